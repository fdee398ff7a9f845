"""doit install --sign: every module installed carries a signature by the given key,
made with the kernel tree's own sign-file, and the ELF check (and kmod's modinfo) name
the signer.  Unsigned by default; a bad key installs nothing."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from buildsys.build import modsig
from buildsys.build.elfcheck import ModuleCheck, check_module
from buildsys.build.modules import netmap_dir
from buildsys.configure.context import load_context
from buildsys.kernel.kbuild import symvers_exports
from tests.conftest import NETMAP_TARBALL
from tests.kernel.conftest import run_doit
from tests.kernels import header_tree
from tests.signing_keys import make_key

pytestmark = pytest.mark.kernel

SIGNER = "netmap-build install test key"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """netmap.ko and one driver (veth: small), no apps: what install signs."""
    workdir: Path = tmp_path_factory.mktemp("signing")
    run_doit(workdir, "configure", f"--kernel-dir={header_tree('6.12')}", "--drivers=veth",
             "--no-apps", "--no-utils", f"--netmap-src={NETMAP_TARBALL}", "--build-dir=b")
    run_doit(workdir, "build")
    return workdir / "b"


@pytest.fixture(scope="module")
def keys(tmp_path_factory) -> tuple[Path, Path]:
    return make_key(tmp_path_factory.mktemp("keys"), SIGNER)


@pytest.fixture(scope="module")
def other_keys(tmp_path_factory) -> tuple[Path, Path]:
    return make_key(tmp_path_factory.mktemp("other-keys"), "another key")


def install(built: Path, stage: Path, *args: str, check: bool = True
            ) -> subprocess.CompletedProcess[str]:
    return run_doit(built.parent, "install", f"--destdir={stage}", f"--install-mod-path={stage}",
                    *args, f"build_dir={built}", check=check)


def installed_modules(built: Path, stage: Path) -> dict[str, Path]:
    release = json.loads((built / "configure.json").read_text())["kernel"]["release"]
    return {p.name: p for p in (stage / "lib/modules" / release / "updates").glob("*.ko")}


def elf_checks(built: Path, modules: dict[str, Path]) -> dict[str, ModuleCheck]:
    context = load_context(built)
    exports = symvers_exports(netmap_dir(context) / "Module.symvers")
    return {name: check_module(module, context.kernel_tree, exports)
            for name, module in modules.items()}


def modinfo(field: str, module: Path) -> str:
    return subprocess.run(["modinfo", "-F", field, str(module)], capture_output=True,
                          text=True, check=True).stdout.strip()


def test_install_signs_every_module_and_the_elf_check_names_the_signer(built, keys, tmp_path):
    key, cert = keys
    stage = tmp_path / "stage"
    result = install(built, stage, "--sign", f"--sign-key={key}", f"--sign-cert={cert}")
    modules = installed_modules(built, stage)
    assert set(modules) == {"netmap.ko", "veth.ko"}
    for name, check in elf_checks(built, modules).items():
        module = modules[name]
        assert module.read_bytes().endswith(modsig.MAGIC)
        assert check.ok and check.signed, check.problems
        assert check.signature is not None and check.signature.signer == SIGNER
        assert check.signature.hash_algo == "sha256"  # Debian's CONFIG_MODULE_SIG_HASH
        # kmod reads the same signer and serial number
        assert modinfo("signer", module) == SIGNER
        assert modinfo("sig_key", module) == check.signature.key_id
        assert f"{name}: signed by {SIGNER} (sha256)" in result.stdout
    # the build's own modules stay unsigned: install signed copies
    report = json.loads((built / "build.json").read_text())
    assert all(not Path(entry["path"]).read_bytes().endswith(modsig.MAGIC)
               for entry in report["modules"].values())
    # signed again with the same key: nothing to write
    again = install(built, stage, f"--sign-key={key}", f"--sign-cert={cert}")
    assert "(0 written" in again.stdout
    # unsigned now: the modules (only) are written again, without their signature
    plain = install(built, stage)
    assert "(2 written" in plain.stdout and "netmap.ko: unsigned" in plain.stdout
    assert not any(m.read_bytes().endswith(modsig.MAGIC) for m in modules.values())
    run_doit(built.parent, "uninstall", f"build_dir={built}")


def test_modules_are_unsigned_by_default(built, tmp_path):
    stage = tmp_path / "stage"
    result = install(built, stage)
    for name, check in elf_checks(built, installed_modules(built, stage)).items():
        assert check.ok and not check.signed and check.signature is None
        assert f"{name}: unsigned" in result.stdout
    run_doit(built.parent, "uninstall", f"build_dir={built}")


@pytest.mark.parametrize("case", ["missing key", "cert without key", "key without cert",
                                  "key of another cert", "not a key"])
def test_a_bad_key_is_one_line_exit_2_and_installs_nothing(built, keys, other_keys, tmp_path,
                                                           case):
    key, cert = keys
    other_key, _other_cert = other_keys
    junk = tmp_path / "junk.pem"
    junk.write_text("not a key\n")
    args = {"missing key": [f"--sign-key={tmp_path / 'none.pem'}", f"--sign-cert={cert}"],
            "cert without key": ["--sign", f"--sign-cert={cert}"],
            "key without cert": [f"--sign-key={key}"],
            "key of another cert": [f"--sign-key={other_key}", f"--sign-cert={cert}"],
            "not a key": [f"--sign-key={junk}", f"--sign-cert={cert}"]}[case]
    stage = tmp_path / "stage"
    result = install(built, stage, *args, check=False)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not stage.exists()
