"""``doit deb``: Debian's ``netmap-dkms_<version>_all.deb``, built with ``dpkg-deb``.

The layout is dh-dkms's: the DKMS tree (``dkms.fill_tree``, with the vendored driver
sources) in ``/usr/src/netmap-<version>/``, and maintainer scripts that are dh_dkms's own
templates (``/usr/lib/dkms/common.postinst`` to add, build and install; ``dkms remove
--all`` before removal).  One difference: the postinst asks for every installed kernel
(``autoinstall_all_kernels``), not only the running and the newest one.  dpkg-deb, not
debhelper: a packager needs nothing but dpkg to build it, and nothing in it is generated
by a tool the tests do not run.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import time
from email.utils import formatdate
from pathlib import Path

from buildsys import __version__
from buildsys.configure.context import BuildContext
from buildsys.configure.netmap_sources import PINNED_COMMIT
from buildsys.core import proc
from buildsys.core.errors import UserError
from buildsys.core.locking import staged_dir
from buildsys.deploy import dkms, vendoring

PACKAGE = "netmap-dkms"
DEBIAN_REVISION = "1"
# what dkms_build.py imports and runs: Debian's python3 and its python3-* packages
DEPENDS = ("dkms (>= 3.0.10)", "python3", "python3-packaging", "python3-rich",
           "python3-pyelftools", "patch", "make", "xz-utils")
TEMPLATES = Path(__file__).resolve().parent / "deb_templates"


def deb_version() -> str:
    return f"{dkms.package_version()}-{DEBIAN_REVISION}"


def maintainer() -> str:
    """$DEBFULLNAME <$DEBEMAIL>, as Debian's tools take it."""
    name, email = os.environ.get("DEBFULLNAME", ""), os.environ.get("DEBEMAIL", "")
    if not email:
        raise UserError("the package needs a maintainer",
                        "set DEBEMAIL=you@example.org (and DEBFULLNAME) or pass --maintainer")
    return f"{name or email.split('@')[0]} <{email}>"


def build_deb(context: BuildContext, dist: Path, sources: list[Path],
              who: str) -> tuple[Path, list[vendoring.Vendored]]:
    """dist/netmap-dkms_<version>_all.deb, and what it vendored."""
    root = dist / f"{PACKAGE}-root"
    with staged_dir(root) as staging:
        tree = staging / "usr" / "src" / f"netmap-{dkms.package_version()}"
        tree.mkdir(parents=True)
        vendored = dkms.fill_tree(context, tree, sources)
        _docs(staging, who, vendored)
        _control(staging, who)
    deb = dist / f"{PACKAGE}_{deb_version()}_all.deb"
    partial = deb.with_name(f".{deb.name}.partial")
    proc.run(["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(root), str(partial)],
             dist / "logs" / "dpkg-deb.log")
    partial.replace(deb)
    shutil.rmtree(root)
    return deb, vendored


def _docs(root: Path, who: str, vendored: list[vendoring.Vendored]) -> None:
    doc = root / "usr" / "share" / "doc" / PACKAGE
    doc.mkdir(parents=True)
    sources = "".join(f"   Linux {item.version} ({item.origin})\n" for item in vendored)
    (doc / "copyright").write_text((TEMPLATES / "copyright").read_text().format(
        commit=PINNED_COMMIT, sources=sources or "   (none)\n"))
    stamp = float(os.environ.get("SOURCE_DATE_EPOCH", time.time()))
    changelog = (f"{PACKAGE} ({deb_version()}) unstable; urgency=medium\n\n"
                 f"  * netmap-build {__version__}, netmap {PINNED_COMMIT}; built with doit deb.\n\n"
                 f" -- {who}  {formatdate(stamp)}\n")
    with (doc / "changelog.Debian.gz").open("wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9,
                          mtime=int(stamp)) as packed:
        packed.write(changelog.encode())
    overrides = root / "usr" / "share" / "lintian" / "overrides"
    overrides.mkdir(parents=True)
    shutil.copy(TEMPLATES / "lintian-overrides", overrides / PACKAGE)


def _control(root: Path, who: str) -> None:
    debian = root / "DEBIAN"
    debian.mkdir()
    for script in ("postinst", "prerm"):
        text = (TEMPLATES / script).read_text().replace("#MODULE_VERSION#",
                                                        dkms.package_version())
        (debian / script).write_text(text)
        (debian / script).chmod(0o755)
    files = sorted(path for path in root.rglob("*") if path.is_file() and debian not in
                   path.parents)
    (debian / "md5sums").write_text("".join(
        f"{_md5(path)}  {path.relative_to(root)}\n" for path in files))
    size_kib = sum((path.stat().st_size + 1023) // 1024 for path in files)
    (debian / "control").write_text((TEMPLATES / "control").read_text().format(
        package=PACKAGE, version=deb_version(), maintainer=who, size=size_kib,
        depends=", ".join(DEPENDS), commit=PINNED_COMMIT))
    for path in root.rglob("*"):  # as dh_fixperms: no group or other write, exec kept
        executable = path.is_dir() or path.stat().st_mode & 0o111
        path.chmod(0o755 if executable else 0o644)


def _md5(path: Path) -> str:
    """dpkg's md5sums file: integrity, not security."""
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
