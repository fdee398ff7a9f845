"""The helpers each kept in one place: logs that several commands share, staged dirs,
kernel version codes and series, .config and Module.symvers reading, patch's argv."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.version import Version

from buildsys.core import proc
from buildsys.core.files import file_digest
from buildsys.core.locking import replace_dir, staged_dir
from buildsys.drivers.kernel_sources import debian_tarball, release_series
from buildsys.drivers.patching import patch_argv
from buildsys.kernel.kbuild import first_errors, symvers_exports
from buildsys.kernel.tree import config_lines, hex_version_code, read_config, version_series


def test_commands_sharing_a_log_each_keep_their_output(tmp_path):
    log = tmp_path / "logs" / "load.log"
    proc.run(["echo", "first"], log)
    proc.run(["sh", "-c", "echo 'second one'"], log)
    lines = log.read_text().splitlines()
    assert [line.split("] ", 1)[1] for line in lines[::2]] == [
        "$ echo first", "$ sh -c 'echo '\"'\"'second one'\"'\"''"]
    assert lines[0].startswith("[20") and lines[1::2] == ["first", "second one"]
    proc.run(["echo", "third"], proc.fresh_log(log))
    assert log.read_text().splitlines()[1:] == ["third"]


def test_a_staged_dir_replaces_its_target_whole_or_not_at_all(tmp_path):
    target = tmp_path / "tree"
    with staged_dir(target) as staging:
        (staging / "a").write_text("1")
    with pytest.raises(RuntimeError), staged_dir(target) as staging:
        (staging / "a").write_text("2")
        raise RuntimeError("cut off")
    assert (target / "a").read_text() == "1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tree"]
    finished = tmp_path / "finished"
    finished.mkdir()
    replace_dir(finished, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tree"] and not any(target.iterdir())


def test_file_digest_is_sha256_and_empty_for_no_file(tmp_path):
    (tmp_path / "f").write_bytes(b"abc")
    assert file_digest(tmp_path / "f").startswith("ba7816bf")
    assert file_digest(tmp_path / "none") == file_digest(Path("/dev/null"))


@pytest.mark.parametrize(("version", "code", "series"), [
    ("6.12.3", "60c03", "6.12"), ("6.1.300", "601ff", "6.1"), ("7.3", "70300", "7.3")])
def test_version_codes_and_series(version, code, series):
    assert hex_version_code(Version(version)) == code
    assert version_series(Version(version)) == series


@pytest.mark.parametrize(("release", "series"), [
    ("6.1.0-26-amd64", "6.1"), ("7.3.4+deb13-amd64", "7.3"), ("6.12.117+deb12-amd64", "6.12")])
def test_the_series_of_a_release_names_debians_sources(release, series):
    assert release_series(release) == series
    assert debian_tarball(series) == Path(f"/usr/src/linux-source-{series}.tar.xz")


def test_config_lines_and_values(tmp_path):
    text = 'CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C="gcc 12"\n# a comment\nCONFIG_A=m\n'
    assert config_lines(text) == {"CONFIG_A": "CONFIG_A=m", "CONFIG_B": "# CONFIG_B is not set",
                                  "CONFIG_C": 'CONFIG_C="gcc 12"'}
    (tmp_path / ".config").write_text(text)
    assert read_config(tmp_path / ".config") == {"CONFIG_A": "m", "CONFIG_C": '"gcc 12"'}


def test_symvers_exports(tmp_path):
    symvers = tmp_path / "Module.symvers"
    symvers.write_text("0x1\tnetmap_attach\tnetmap\tEXPORT_SYMBOL\t\n0x2\t_printk\tvmlinux\t"
                       "EXPORT_SYMBOL\t\n")
    assert symvers_exports(symvers) == {"netmap_attach", "_printk"}
    assert symvers_exports(tmp_path / "none") == set()


def test_patch_argv_for_a_build_and_for_the_porting_aid():
    built = patch_argv(Path("/p.diff"), Path("/d"), fuzz=False, rejects=False)
    assert built == ["patch", "-p1", "--forward", "--batch", "--fuzz=0",
                     "--no-backup-if-mismatch", "-r", "-", "-d", "/d", "-i", "/p.diff"]
    ported = patch_argv(Path("/p.diff"), Path("/d"), fuzz=False, rejects=True)
    assert "-r" not in ported and "--fuzz=0" in ported
    assert "--fuzz=0" not in patch_argv(Path("/p.diff"), Path("/d"), fuzz=True, rejects=False)


def test_first_errors_are_the_compilers_then_makes():
    output = "  CC [M] a.o\na.c:1:2: error: bad\nmake[1]: *** [a.o] Error 1\n"
    assert first_errors(output) == "a.c:1:2: error: bad"
    assert first_errors("x\nmake: *** [all] Error 2\n") == "make: *** [all] Error 2"
