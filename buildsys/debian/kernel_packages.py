"""Which Debian packages make up the newest kernel of a series in a suite.

Never a pinned ABI: ABIs leave the archive.  The suite's meta-package
(``linux-headers-amd64``) names the release Debian considers current; when it
belongs to another series (trixie-backports holds 7.2 and 7.3), the newest
``linux-headers-<series>.*-<flavour>`` in the package lists is taken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from buildsys.core.errors import UserError


class PackageLists(Protocol):
    def show(self, package: str) -> str: ...
    def names(self, prefix: str) -> list[str]: ...


@dataclass(frozen=True)
class KernelPackages:
    release: str  # 7.3.4+deb13-amd64: what uname -r says
    version: str  # 7.3.4-1~bpo13+1: the packages' version
    series: str
    headers: str  # .config and Module.symvers (the -common package is not needed)
    source: str  # linux-source-X.Y: the tarball the tree is built from
    boot: tuple[str, ...]  # vmlinuz, the modules, modules.builtin

    def specs(self) -> list[str]:
        return [f"{name}={self.version}" for name in (self.headers, self.source, *self.boot)]


def stanzas(text: str) -> list[dict[str, str]]:
    """The fields of each package stanza of ``apt-cache show`` output."""
    found = []
    for block in re.split(r"\n\s*\n", text.strip()):
        fields = dict(re.findall(r"^([\w-]+): ?(.*)$", block, re.MULTILINE))
        if "Package" in fields:
            found.append(fields)
    return found


def depends(field: str) -> list[tuple[str, str]]:
    """``(name, version)`` of each plain ``name (= version)`` dependency (alternatives skipped)."""
    pairs = []
    for item in field.split(","):
        match = re.fullmatch(r"\s*([\w.+~-]+)(?::\w+)?\s*(?:\(=\s*([^)\s]+)\s*\))?\s*", item)
        if match:
            pairs.append((match.group(1), match.group(2) or ""))
    return pairs


def release_pattern(series: str, flavour: str) -> re.Pattern[str]:
    # 7.3.4+deb13-amd64, or the older 6.1.0-26-amd64; never 7.3.4+deb13-cloud-amd64
    return re.compile(rf"{re.escape(series)}\.\d+[^-\s]*(?:-\d+)?-{re.escape(flavour)}")


def release_key(release: str) -> tuple[int, ...]:
    """Order of releases: 7.3.10+deb13 after 7.3.4+deb13, 6.1.0-26 after 6.1.0-9."""
    return tuple(int(number) for number in re.findall(r"\d+", release))


def meta_release(show_text: str, series: str, flavour: str) -> tuple[str, str] | None:
    """``(release, version)`` the meta-package depends on, if it is of ``series``."""
    pattern = release_pattern(series, flavour)
    found = []
    for fields in stanzas(show_text):
        for name, version in depends(fields.get("Depends", "")):
            release = name.removeprefix("linux-headers-")
            if name.startswith("linux-headers-") and pattern.fullmatch(release) and version:
                found.append((release, version))
    return max(found, key=lambda pair: release_key(pair[0])) if found else None


def newest_release(names: list[str], series: str, flavour: str) -> str | None:
    pattern = release_pattern(series, flavour)
    releases = [name.removeprefix("linux-headers-") for name in names
                if name.startswith("linux-headers-")]
    matching = [release for release in releases if pattern.fullmatch(release)]
    return max(matching, key=release_key) if matching else None


def newest_series(names: list[str], flavour: str) -> str | None:
    """The newest ``X.Y`` among the ``linux-headers-<release>-<flavour>`` package names (the
    archive decides what is newest: never a list in the code)."""
    pattern = re.compile(rf"linux-headers-(\d+)\.(\d+)\.\d+[^-\s]*(?:-\d+)?-{re.escape(flavour)}")
    found = [(int(m.group(1)), int(m.group(2))) for m in map(pattern.fullmatch, names) if m]
    return "{}.{}".format(*max(found)) if found else None


def newest_version(show_text: str) -> str:
    versions = [fields.get("Version", "") for fields in stanzas(show_text)]
    return max(versions, key=release_key, default="")


def boot_packages(image_show: str, release: str, version: str) -> tuple[str, ...]:
    """What ``linux-image-<release>`` is made of: since 7.x a meta-package depending on
    ``linux-binary-`` (vmlinuz), ``linux-modules-`` and ``linux-base-`` (modules.builtin);
    before, the image package itself."""
    for fields in stanzas(image_show):
        if fields.get("Version") == version:
            parts = tuple(name for name, _ in depends(fields.get("Depends", ""))
                          if name.endswith(f"-{release}") and name != f"linux-image-{release}")
            return parts or (f"linux-image-{release}",)
    raise UserError(f"no linux-image-{release} at version {version} in the package lists",
                    "rerun with --refresh, or pick another --series")


def resolve(lists: PackageLists, series: str, suite: str, flavour: str) -> KernelPackages:
    meta = meta_release(lists.show(f"linux-headers-{flavour}"), series, flavour)
    if meta:
        release, version = meta
    else:
        newest = newest_release(lists.names(f"linux-headers-{series}."), series, flavour)
        if newest is None:
            raise UserError(f"{suite} has no linux-headers-{series}.*-{flavour}",
                            "pick a series the suite holds (--series), or another --suite")
        release, version = newest, newest_version(lists.show(f"linux-headers-{newest}"))
    return KernelPackages(release, version, series, f"linux-headers-{release}",
                          f"linux-source-{series}",
                          boot_packages(lists.show(f"linux-image-{release}"), release, version))
