"""Debian packages of another suite, through an apt configuration of our own.

The system's apt setup is never touched: a private sources file, lists dir,
status file and cache, handed to apt-get/apt-cache with ``-o``.  Nothing is
installed: packages are downloaded, then unpacked with ``dpkg-deb -x``.  The
mirror is the one the system already uses for the plain Debian archive.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from buildsys.core.errors import ToolError, UserError
from buildsys.core.proc import run

APT_ETC = Path("/etc/apt")
OS_RELEASE = Path("/etc/os-release")
KEYRING = Path("/usr/share/keyrings/debian-archive-keyring.gpg")


@dataclass(frozen=True)
class SourceEntry:
    """One ``deb`` entry of apt's sources, in either format."""

    types: tuple[str, ...]
    uris: tuple[str, ...]
    suites: tuple[str, ...]


def parse_one_line(text: str) -> list[SourceEntry]:
    """``deb [options] URI SUITE COMPONENT...`` lines (sources.list, *.list)."""
    entries = []
    for line in text.splitlines():
        words = re.sub(r"\[[^]]*\]", " ", line.split("#", 1)[0]).split()  # [options] dropped
        if len(words) >= 3 and words[0] in ("deb", "deb-src"):
            entries.append(SourceEntry((words[0],), (words[1],), (words[2],)))
    return entries


def parse_deb822(text: str) -> list[SourceEntry]:
    """Stanzas of ``Types:``/``URIs:``/``Suites:`` fields (*.sources)."""
    entries = []
    for stanza in re.split(r"\n\s*\n", text):
        fields = _deb822_fields(stanza)
        if fields.get("enabled", "yes").lower() == "no":
            continue
        entries.append(SourceEntry(*(tuple(fields.get(name, "").split())
                                     for name in ("types", "uris", "suites"))))
    return entries


def _deb822_fields(stanza: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    name = ""
    for line in stanza.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line[0].isspace() and name:  # a continuation line
            fields[name] += " " + line.strip()
        elif ":" in line:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            fields[name] = value.strip()
    return fields


def system_sources(etc: Path = APT_ETC) -> list[SourceEntry]:
    """The entries apt itself reads (files apt ignores, such as *.disabled, are skipped)."""
    entries = []
    one_line = [etc / "sources.list", *sorted((etc / "sources.list.d").glob("*.list"))]
    for path in one_line:
        if path.is_file():
            entries += parse_one_line(path.read_text(errors="replace"))
    for path in sorted((etc / "sources.list.d").glob("*.sources")):
        entries += parse_deb822(path.read_text(errors="replace"))
    return entries


def host_codename(os_release: Path = OS_RELEASE) -> str:
    text = os_release.read_text() if os_release.is_file() else ""
    match = re.search(r"^VERSION_CODENAME=\"?([a-z]+)", text, re.MULTILINE)
    return match.group(1) if match else "bookworm"


def archive_uri(entries: list[SourceEntry], codename: str) -> str:
    """The mirror serving the plain Debian archive: the one with the host's own suite
    (``bookworm``, not ``bookworm-security``, which lives elsewhere)."""
    for entry in entries:
        if "deb" in entry.types and codename in entry.suites and entry.uris:
            return entry.uris[0].rstrip("/")
    raise UserError(
        f"no Debian archive in apt's sources (no 'deb' entry for suite {codename} "
        f"in {APT_ETC}/sources.list or {APT_ETC}/sources.list.d)",
        f"add your Debian mirror for {codename} to apt's sources; its URI is reused "
        "for the newer suite")


class PrivateApt:
    """apt-get and apt-cache on lists of our own under ``root``; logs in ``log_dir``."""

    def __init__(self, root: Path, log_dir: Path) -> None:
        self.root = root
        self.log_dir = log_dir
        self.uri = ""
        self.suites: list[str] = []

    def options(self) -> list[str]:
        settings = {
            "Dir::Etc::SourceList": self.root / "sources.list",
            "Dir::Etc::SourceParts": self.root / "sources.list.d",
            "Dir::Etc::Preferences": self.root / "preferences",
            "Dir::Etc::PreferencesParts": self.root / "preferences.d",
            "Dir::State::Lists": self.root / "lists",
            "Dir::State::status": self.root / "status",
            "Dir::Cache": self.root / "cache",
            "Acquire::Languages": "none",
        }
        if os.geteuid() == 0:  # the _apt user cannot write into root's private cache
            settings["APT::Sandbox::User"] = "root"
        return [f"-o{name}={value}" for name, value in settings.items()]

    def use(self, uri: str, suites: list[str]) -> None:
        if not KEYRING.is_file():
            raise UserError(f"{KEYRING} is missing", "apt-get install debian-archive-keyring")
        for sub in ("sources.list.d", "preferences.d", "lists/partial", "cache/archives/partial"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        (self.root / "status").touch()
        lines = [f"deb [signed-by={KEYRING}] {uri} {suite} main" for suite in suites]
        (self.root / "sources.list").write_text("\n".join(lines) + "\n")
        self.uri, self.suites = uri, suites

    def update(self) -> None:
        result = run(["apt-get", *self.options(), "update"], self.log_dir / "apt-update.log",
                     check=False)
        if re.search(r"^E: .* does not have a Release file", result.output, re.MULTILINE):
            raise UserError(f"the mirror {self.uri} has no suite {', '.join(self.suites)}",
                            "check --suite (e.g. trixie-backports, bookworm, sid)")
        if result.returncode != 0 or re.search(r"^E: ", result.output, re.MULTILINE):
            raise ToolError(
                f"cannot read the package lists of {', '.join(self.suites)}",
                f"check the suite's name, the network and debian-archive-keyring "
                f"(see {result.log})")

    def show(self, package: str) -> str:
        """``apt-cache show`` of every version of ``package``; empty if there is none."""
        result = run(["apt-cache", *self.options(), "show", package],
                     self.log_dir / f"apt-cache-show-{package}.log", check=False)
        return result.output if result.returncode == 0 else ""

    def names(self, prefix: str) -> list[str]:
        result = run(["apt-cache", *self.options(), "pkgnames", prefix],
                     self.log_dir / f"apt-cache-pkgnames-{prefix}.log", check=False)
        return result.output.split() if result.returncode == 0 else []

    def download(self, specs: list[str], target: Path) -> list[Path]:
        """``name=version`` specs into ``target``; the .deb files."""
        target.mkdir(parents=True, exist_ok=True)
        run(["apt-get", *self.options(), "download", *specs], self.log_dir / "apt-download.log",
            cwd=target)
        return sorted(target.glob("*.deb"))
