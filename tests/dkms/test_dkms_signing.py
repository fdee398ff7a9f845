"""Under DKMS, dkms signs: the module it installs carries the signature of the MOK it was
given, and our ELF check names that signer.

Debian 12's dkms 3.0.10 reads ``mok_signing_key`` and ``mok_certificate`` only from
/etc/dkms/framework.conf and framework.conf.d/*.conf (no ``--dkmsframework``), but it never
resets them, so the values in its environment stand when no conf file sets them: the test
gives dkms a generated MOK that way, and the system's /etc/dkms and /var/lib/dkms/mok.* stay
as they are.  (Without a MOK of its own, dkms makes /var/lib/dkms/mok.key the first time it
builds anything.)"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from buildsys.build.elfcheck import check_module
from buildsys.deploy.dkms import package_version
from buildsys.kernel.tree import load_kernel
from tests.conftest import NETMAP_TARBALL
from tests.kernel.conftest import run_doit
from tests.kernels import header_tree, installed_series
from tests.signing_keys import make_key

pytestmark = [pytest.mark.dkms, pytest.mark.kernel]

SIGNER = "netmap-build DKMS test MOK"
# 6.12's modules are installed as .ko.xz: the check reads the signature inside
SERIES = next((s for s in ("6.12", "6.1") if s in installed_series()), None)


def dkms(*args: str, trees: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(["dkms", *args, *trees], stdin=subprocess.DEVNULL, env=env,
                            capture_output=True, text=True, check=False, timeout=900)
    assert result.returncode == 0, f"dkms {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def framework_sets_a_mok() -> bool:
    """A conf file that names a key wins over the environment."""
    confs = [Path("/etc/dkms/framework.conf"), *Path("/etc/dkms/framework.conf.d").glob("*.conf")]
    return any(line.strip().startswith(("mok_signing_key", "mok_certificate"))
               for conf in confs if conf.is_file() for line in conf.read_text().splitlines())


@pytest.mark.skipif(shutil.which("dkms") is None, reason="dkms is not installed")
@pytest.mark.skipif(SERIES is None, reason="no Debian kernel headers installed")
@pytest.mark.skipif(framework_sets_a_mok(), reason="/etc/dkms sets a MOK of its own")
def test_dkms_signs_with_the_mok_it_is_given(tmp_path):
    assert SERIES is not None
    kernel_dir = header_tree(SERIES)
    release = kernel_dir.parent.name
    key, cert = make_key(tmp_path / "mok", SIGNER, der=True)  # DER, as dkms's own mok.pub
    run_doit(tmp_path, "configure", f"--kernel-dir={kernel_dir}", "--no-drivers",
             f"--netmap-src={NETMAP_TARBALL}", "--build-dir=b")
    run_doit(tmp_path, "dkms", f"--dist={tmp_path / 'dist'}", f"build_dir={tmp_path / 'b'}")
    tree = tmp_path / "dist" / f"netmap-{package_version()}"
    source, state, installed = (tmp_path / name for name in ("src", "dkms", "modules"))
    shutil.copytree(tree, source / tree.name)
    (installed / release).mkdir(parents=True)
    (installed / release / "build").symlink_to(kernel_dir)
    state.mkdir()
    trees = ["--dkmstree", str(state), "--sourcetree", str(source), "--installtree",
             str(installed)]
    # the probe cache configure has just filled: this test is about signing, not cold builds
    env = {**os.environ, "mok_signing_key": str(key), "mok_certificate": str(cert)}
    version = ["-m", "netmap", "-v", package_version()]
    dkms("add", *version, trees=trees, env=env)
    built = dkms("build", *version, "-k", release, trees=trees, env=env)
    assert f"Signing key: {key}" in built and f"Public certificate (MOK): {cert}" in built
    dkms("install", *version, "-k", release, "--no-depmod", trees=trees, env=env)
    (module,) = (installed / release / "updates/dkms").glob("netmap.ko*")
    check = check_module(module, load_kernel(kernel_dir), set())
    assert check.ok and check.signed, check.problems
    assert check.signature is not None and check.signature.signer == SIGNER
    assert check.signature.hash_algo == "sha256"  # the kernel's CONFIG_MODULE_SIG_HASH
    modinfo = subprocess.run(["modinfo", "-F", "signer", str(module)], capture_output=True,
                             text=True, check=True).stdout.strip()
    assert modinfo == SIGNER
    dkms("remove", *version, "--all", "--no-depmod", trees=trees, env=env)
    assert not list((installed / release).rglob("*.ko*"))
