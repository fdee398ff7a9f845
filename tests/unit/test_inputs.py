"""Bad input: one line naming the problem and the remedy, exit status 2."""

from __future__ import annotations

import io
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from packaging.version import Version

from buildsys.cli.options import Options, from_params
from buildsys.configure import netmap_sources
from buildsys.configure.netmap_sources import prepare
from buildsys.core.errors import UserError
from buildsys.drivers.kernel_sources import check_versions
from buildsys.kernel.tree import hex_version_code, load_kernel
from tests.conftest import REPO


def fake_kernel(root: Path, cc_text: str = "gcc (Debian 12.2.0-14) 12.2.0") -> Path:
    (root / "include/generated").mkdir(parents=True)
    (root / "Makefile").write_text("VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 3\n")
    (root / ".config").write_text(f'CONFIG_CC_VERSION_TEXT="{cc_text}"\nCONFIG_E1000=m\n')
    (root / "include/generated/utsrelease.h").write_text('#define UTS_RELEASE "6.12.3-test"\n')
    return root


def test_fake_kernel_is_read(tmp_path):
    kernel = load_kernel(fake_kernel(tmp_path / "k"))
    assert (kernel.release, str(kernel.version), hex_version_code(kernel.version)) == (
        "6.12.3-test", "6.12.3", "60c03")
    assert kernel.enabled("CONFIG_E1000") == "m" and kernel.enabled("CONFIG_R8169") is None


@pytest.mark.parametrize("damage, words", [
    (lambda k: None, "does not exist"),
    (lambda k: (k / "Makefile").unlink(), "no Makefile"),
    (lambda k: (k / ".config").unlink(), "not configured"),
    (lambda k: (k / ".config").write_text("CONFIG_X=y\n"), "CONFIG_CC_VERSION_TEXT"),
])
def test_bad_kernel_trees(tmp_path, damage, words):
    root = tmp_path / "k"
    if "exist" not in words:
        fake_kernel(root)
    damage(root)
    with pytest.raises(UserError, match=words):
        load_kernel(root)


def test_missing_compiler_names_the_package(tmp_path):
    root = fake_kernel(tmp_path / "k", "gcc-99 (Debian 99.1) 99.1")
    with pytest.raises(UserError) as error:
        load_kernel(root)
    assert "gcc-99" in error.value.message and "apt-get install gcc-99" in error.value.remedy


@pytest.mark.parametrize("params, words", [
    ({"drivers": "e1000,nosuch"}, "unknown driver nosuch"),
    ({"no_apps": "pkt-gen,nosuch"}, "unknown app nosuch"),
])
def test_unknown_names_list_the_valid_ones(params, words):
    with pytest.raises(UserError, match=words) as error:
        from_params(params)
    assert "valid" in error.value.remedy


def test_upstream_selection_semantics():
    options = from_params({"no_drivers": True, "apps": "pkt-gen,vale-ctl", "disable_vale": None,
                           "vale": False, "sink": True, "force_debug": False})
    assert options.drivers == [] and options.apps == ["pkt-gen", "vale-ctl"]
    assert "vale" not in options.subsystems and "sink" in options.subsystems
    assert not options.debug
    options = from_params({"no_drivers": "veth,r8169.c"})
    assert "veth" not in options.drivers and "realtek" not in options.drivers
    assert "e1000" in options.drivers and not options.drivers_named


def _tarball(path: Path, names: dict[str, str]) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, text in names.items():
            info = tarfile.TarInfo(name)
            info.size = len(text)
            archive.addfile(info, io.BytesIO(text.encode()))
    return path


def test_unsafe_tarball_is_refused_and_leaves_nothing(tmp_path):
    bad = _tarball(tmp_path / "bad.tar.gz", {"n/sys/dev/netmap/netmap.c": "", "../evil": "x"})
    with pytest.raises(UserError, match="unsafe path"):
        prepare(str(bad), tmp_path / "build")
    assert not (tmp_path / "evil").exists() and not (tmp_path / "build" / "netmap").exists()


def test_tree_copied_not_modified_and_not_netmap_refused(tmp_path):
    good = _tarball(tmp_path / "good.tar.gz", {"n/sys/dev/netmap/netmap.c": "int x;"})
    tree, _ = prepare(str(good), tmp_path / "build")
    assert (tree / "sys/dev/netmap/netmap.c").read_text() == "int x;"
    other = _tarball(tmp_path / "other.tar.gz", {"n/README": "hi"})
    with pytest.raises(UserError, match="not a netmap source tree"):
        prepare(str(other), tmp_path / "build2")


def doit(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "doit", "-f", str(REPO / "dodo.py"), "-d", str(tmp_path), *args]
    return subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          check=False)


@pytest.mark.parametrize("args, words", [
    (["--kernel-dir=/nonexistent/kernel"], "kernel directory /nonexistent/kernel does not exist"),
    (["--enable-bogus"], "unknown subsystem bogus"),
    (["--drivers=nosuch"], "unknown driver nosuch"),
])
def test_cli_errors_are_one_line_with_status_2(tmp_path, args, words):
    result = doit(tmp_path, "configure", *args)
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and words in lines[0] and "Traceback" not in result.stderr


def test_cli_listings(tmp_path):
    result = doit(tmp_path, "configure", "--show-drivers")
    assert result.returncode == 0 and "realtek" in result.stdout and "e1000" in result.stdout
    stmmac = next(line for line in result.stdout.splitlines() if line.startswith("stmmac"))
    assert "only when named: upstream's patches stop at Linux 4.12" in stmmac


def test_stmmac_is_left_out_of_the_default_set_but_can_be_named():
    assert "stmmac" not in Options().drivers and "realtek" in Options().drivers
    assert "stmmac" not in from_params({}).drivers
    assert from_params({"drivers": "stmmac"}).drivers == ["stmmac"]
    assert "stmmac" not in from_params({"no_drivers": "ice"}).drivers


def test_garbage_tarball_and_missing_source(tmp_path):
    garbage = tmp_path / "netmap.tar.gz"
    garbage.write_bytes(b"not a tarball at all")
    with pytest.raises(UserError, match="cannot read netmap tarball") as error:
        prepare(str(garbage), tmp_path / "build")
    assert "--netmap-src" in error.value.remedy
    with pytest.raises(UserError, match="do not exist"):
        prepare(str(tmp_path / "nowhere"), tmp_path / "build")


def test_checksum_mismatch_is_refused(tmp_path):
    good = _tarball(tmp_path / "n.tar.gz", {"n/sys/dev/netmap/netmap.c": ""})
    (tmp_path / "SHA256SUMS").write_text(f"{'0' * 64}  n.tar.gz\n")
    with pytest.raises(UserError, match="does not match"):
        prepare(str(good), tmp_path / "build")


def test_verbose_shows_the_traceback(tmp_path):
    result = doit(tmp_path, "configure", "--kernel-dir=/nonexistent/kernel", "--verbose")
    assert result.returncode == 2 and "Traceback" in result.stderr


def test_default_sources_without_git_access_say_how_to_pass_them(tmp_path, monkeypatch):
    monkeypatch.setattr(netmap_sources, "UPSTREAM_GIT", str(tmp_path / "no-such-repository"))
    with pytest.raises(UserError, match="cannot fetch netmap") as error:
        netmap_sources.prepare("", tmp_path / "build")
    assert "--netmap-src" in error.value.remedy


def test_sources_of_another_patch_level_warn_and_another_series_is_refused(tmp_path):
    kernel = load_kernel(fake_kernel(tmp_path / "k"))  # 6.12.3
    warning = check_versions(kernel, Version("6.12.1"), tmp_path / "src.tar.xz")
    assert warning and "6.12.1" in warning and "6.12.3" in warning
    assert check_versions(kernel, Version("6.12.3"), tmp_path) is None
    with pytest.raises(UserError, match=r"are 6\.1\.5, the kernel is 6\.12\.3") as error:
        check_versions(kernel, Version("6.1.5"), tmp_path / "src.tar.xz")
    assert "linux-source-6.12" in error.value.remedy
