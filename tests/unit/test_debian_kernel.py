"""Newer Debian kernels: apt sources, package resolution, release check, config changes.

No network: sample sources files and apt-cache output (shaped as apt prints them).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from buildsys.core.errors import ToolError, UserError
from buildsys.debian import kernel_packages, kernel_tree, private_apt, tree_build
from buildsys.debian.kernel_packages import KernelPackages
from buildsys.debian.tree_build import check_release, config_changes

MIRROR = "http://mirror.example/debian"  # never a real host: the code takes it from apt

DEB822 = f"""\
Types: deb
URIs: http://security.example/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
# a comment inside a stanza
URIs: {MIRROR}
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
"""

ONE_LINE = f"""\
# deb http://old.example/debian bookworm main
deb-src {MIRROR}-src bookworm main
deb http://security.example/debian-security bookworm-security main
deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] {MIRROR}/ bookworm main contrib
"""

META_SHOW = """\
Package: linux-headers-amd64
Source: linux-signed-amd64 (7.3.4+1~bpo13+1)
Version: 7.3.4-1~bpo13+1
Depends: linux-base-amd64 (= 7.3.4-1~bpo13+1), linux-headers-7.3.4+deb13-amd64 (= 7.3.4-1~bpo13+1)
Description: Linux for 64-bit PCs (module development meta-package)

Package: linux-headers-amd64
Version: 7.2.12-1~bpo13+1
Depends: linux-base-amd64 (= 7.2.12-1~bpo13+1), linux-headers-7.2.12+deb13-amd64 (= 7.2.12-1~bpo13+1)
"""

IMAGE_SHOW = """\
Package: linux-image-7.3.4+deb13-amd64
Version: 7.3.4-1~bpo13+1
Depends: dracut | initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool, linux-base-7.3.4+deb13-amd64 (= 7.3.4-1~bpo13+1), linux-binary-7.3.4+deb13-amd64 (= 7.3.4-1~bpo13+1), linux-modules-7.3.4+deb13-amd64 (= 7.3.4-1~bpo13+1)
Pre-Depends: linux-base (>= 4.17~)
"""

NAMES_72 = """linux-headers-7.2.9+deb13-amd64 linux-headers-7.2.12+deb13-cloud-amd64
linux-headers-7.2.12+deb13-amd64 linux-headers-7.2.12+deb13-common linux-headers-7.2.6+deb13-amd64
linux-headers-7.2.12+deb13-rt-amd64""".split()


def test_archive_uri_from_deb822_skips_security():
    entries = private_apt.parse_deb822(DEB822)
    assert private_apt.archive_uri(entries, "bookworm") == MIRROR


def test_archive_uri_from_one_line_sources():
    entries = private_apt.parse_one_line(ONE_LINE)
    assert [e.types[0] for e in entries] == ["deb-src", "deb", "deb"]
    assert private_apt.archive_uri(entries, "bookworm") == MIRROR


def test_system_sources_reads_what_apt_reads(tmp_path):
    (tmp_path / "sources.list.d").mkdir()
    (tmp_path / "sources.list.d/debian.sources").write_text(DEB822.replace(MIRROR, MIRROR + "2"))
    (tmp_path / "sources.list.d/other.list.disabled-by-admin").write_text(ONE_LINE)
    (tmp_path / "sources.list").write_text(ONE_LINE)
    entries = private_apt.system_sources(tmp_path)
    assert private_apt.archive_uri(entries, "bookworm") == MIRROR  # sources.list comes first
    (tmp_path / "sources.list").unlink()
    assert private_apt.archive_uri(private_apt.system_sources(tmp_path), "bookworm") == MIRROR + "2"


def test_no_archive_is_a_user_error(tmp_path):
    disabled = DEB822.replace("Types: deb\n# a comment", "Enabled: no\nTypes: deb\n# a comment")
    with pytest.raises(UserError) as error:
        private_apt.archive_uri(private_apt.parse_deb822(disabled), "bookworm")
    assert error.value.exit_status == 2 and "sources" in error.value.remedy
    assert "\n" not in error.value.one_line()


def test_meta_package_gives_the_newest_release_of_its_series():
    assert kernel_packages.meta_release(META_SHOW, "7.3", "amd64") == (
        "7.3.4+deb13-amd64", "7.3.4-1~bpo13+1")
    assert kernel_packages.meta_release(META_SHOW, "7.2", "amd64") == (
        "7.2.12+deb13-amd64", "7.2.12-1~bpo13+1")
    assert kernel_packages.meta_release(META_SHOW, "7.1", "amd64") is None


def test_newest_release_from_the_package_names():
    assert kernel_packages.newest_release(NAMES_72, "7.2", "amd64") == "7.2.12+deb13-amd64"
    assert kernel_packages.newest_release(NAMES_72, "7.2", "cloud-amd64") == "7.2.12+deb13-cloud-amd64"
    old_abi = ["linux-headers-6.1.0-9-amd64", "linux-headers-6.1.0-26-amd64"]
    assert kernel_packages.newest_release(old_abi, "6.1", "amd64") == "6.1.0-26-amd64"
    assert kernel_packages.newest_release(NAMES_72, "7.3", "amd64") is None


def test_boot_packages_since_7x_and_before():
    assert kernel_packages.boot_packages(IMAGE_SHOW, "7.3.4+deb13-amd64", "7.3.4-1~bpo13+1") == (
        "linux-base-7.3.4+deb13-amd64", "linux-binary-7.3.4+deb13-amd64",
        "linux-modules-7.3.4+deb13-amd64")
    old = "Package: linux-image-6.1.0-26-amd64\nVersion: 6.1.112-1\nDepends: kmod, linux-base\n"
    assert kernel_packages.boot_packages(old, "6.1.0-26-amd64", "6.1.112-1") == (
        "linux-image-6.1.0-26-amd64",)


class FakeLists:
    def __init__(self, shows: dict[str, str], names: list[str]) -> None:
        self.shows, self.all_names = shows, names

    def show(self, package: str) -> str:
        return self.shows.get(package, "")

    def names(self, prefix: str) -> list[str]:
        return [name for name in self.all_names if name.startswith(prefix)]


def test_resolve_falls_back_to_the_lists_when_the_meta_package_moved_on():
    image = IMAGE_SHOW.replace("7.3.4", "7.2.12")
    lists = FakeLists({"linux-headers-amd64": META_SHOW.split("\n\n", maxsplit=1)[0],
                       "linux-headers-7.2.12+deb13-amd64": "Package: x\nVersion: 7.2.12-1~bpo13+1\n",
                       "linux-image-7.2.12+deb13-amd64": image}, NAMES_72)
    packages = kernel_packages.resolve(lists, "7.2", "trixie-backports", "amd64")
    assert (packages.release, packages.version, packages.source) == (
        "7.2.12+deb13-amd64", "7.2.12-1~bpo13+1", "linux-source-7.2")
    assert "linux-headers-7.2.12+deb13-amd64=7.2.12-1~bpo13+1" in packages.specs()
    with pytest.raises(UserError, match=r"no linux-headers-7\.9"):
        kernel_packages.resolve(lists, "7.9", "trixie-backports", "amd64")


def test_release_check_fails_on_mismatch(tmp_path):
    check_release("7.3.4+deb13-amd64\n", "7.3.4+deb13-amd64", tmp_path)
    with pytest.raises(ToolError, match=r"7\.3\.4-amd64"):
        check_release("7.3.4-amd64\n", "7.3.4+deb13-amd64", tmp_path)


def test_config_changes_are_recorded_before_and_after():
    before = ('CONFIG_CC_VERSION_TEXT="x86_64-linux-gnu-gcc-14 (Debian 14.2.0-19) 14.2.0"\n'
              "CONFIG_GCC_VERSION=140200\nCONFIG_RUST=y\n# CONFIG_MODVERSIONS is not set\n"
              "CONFIG_E1000=m\n")
    after = ('CONFIG_CC_VERSION_TEXT="gcc (Debian 12.2.0-14+deb12u1) 12.2.0"\n'
             "CONFIG_GCC_VERSION=120200\n# CONFIG_MODVERSIONS is not set\nCONFIG_E1000=m\n"
             "CONFIG_GCC_ASM_GOTO_OUTPUT_BROKEN=y\n")
    changes = {c["symbol"]: (c["before"], c["after"]) for c in config_changes(before, after)}
    assert changes == {
        "CONFIG_CC_VERSION_TEXT": (before.splitlines()[0], after.splitlines()[0]),
        "CONFIG_GCC_VERSION": ("CONFIG_GCC_VERSION=140200", "CONFIG_GCC_VERSION=120200"),
        "CONFIG_RUST": ("CONFIG_RUST=y", None),
        "CONFIG_GCC_ASM_GOTO_OUTPUT_BROKEN": (None, "CONFIG_GCC_ASM_GOTO_OUTPUT_BROKEN=y"),
    }


@pytest.mark.parametrize("series", ["", "7", "7.3.4", "seven"])
def test_series_must_be_x_y(series):
    with pytest.raises(UserError, match="not a kernel series"):
        kernel_tree.prepare_tree(series)


def test_a_ready_entry_is_used_without_the_archive(tmp_path, monkeypatch):
    compiler = tree_build.host_compiler(tmp_path / "logs")
    entry = tmp_path / f"7.3.4+deb13-amd64-{compiler.key}"
    entry.mkdir()
    (entry / "tree.json").write_text(json.dumps({
        "release": "7.3.4+deb13-amd64", "series": "7.3", "suite": "trixie-backports",
        "flavour": "amd64", "compiler": {"key": compiler.key}}))

    def no_archive(*args: object) -> None:
        raise AssertionError("the archive was asked")

    monkeypatch.setattr(private_apt, "PrivateApt", no_archive)
    tree = kernel_tree.prepare_tree("7.3", root=tmp_path)
    assert tree.cached and tree.entry == entry and tree.release == "7.3.4+deb13-amd64"
    with pytest.raises(AssertionError, match="archive"):
        kernel_tree.prepare_tree("7.3", root=tmp_path, refresh=True)
    with pytest.raises(AssertionError, match="archive"):  # another suite: not this entry
        kernel_tree.prepare_tree("7.3", root=tmp_path, suite="sid")


class FailingApt:
    def download(self, specs: list[str], target: Path) -> list[Path]:
        target.mkdir(parents=True)
        (target / "half.deb").write_text("partial")
        raise ToolError("apt-get exited with status 100", "see log")


def test_a_failed_build_leaves_no_entry_and_no_staging(tmp_path):
    packages = KernelPackages("7.3.4+deb13-amd64", "7.3.4-1~bpo13+1", "7.3",
                              "linux-headers-7.3.4+deb13-amd64", "linux-source-7.3", ())
    compiler = tree_build.HostCompiler("/usr/bin/gcc", "gcc 12", "k")
    entry = tmp_path / "7.3.4+deb13-amd64-k"
    with pytest.raises(ToolError):
        tree_build.build_entry(entry, FailingApt(), packages, compiler,  # type: ignore[arg-type]
                                      {}, say=lambda _: None)
    assert list(tmp_path.iterdir()) == []  # neither the entry nor its staging dir


def test_newest_series_is_the_archives_not_a_list_in_the_code():
    names = [*NAMES_72, "linux-headers-7.3.4+deb13-amd64", "linux-headers-7.10.1+deb13-rt-amd64",
             "linux-headers-6.12.48+deb13-amd64", "linux-headers-7.3.4+deb13-common"]
    assert kernel_packages.newest_series(names, "amd64") == "7.3"  # 7.10 is rt only
    assert kernel_packages.newest_series(names, "rt-amd64") == "7.10"
    assert kernel_packages.newest_series(["linux-headers-amd64"], "amd64") is None


def test_newest_is_a_series_word():
    kernel_tree.check_series("newest")
    with pytest.raises(UserError, match="'latest' is not a kernel series") as error:
        kernel_tree.check_series("latest")
    assert "--series=newest" in error.value.remedy
