"""doit install / uninstall into staging dirs, without root."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from buildsys.configure.context import load_context
from buildsys.core.errors import UserError
from buildsys.deploy import install
from tests.kernel.conftest import run_doit
from tests.kernel.test_build import configure_and_build

pytestmark = pytest.mark.kernel


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return configure_and_build(tmp_path_factory.mktemp("install"), "6.12")


def tree(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): stat.S_IMODE(p.stat().st_mode)
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_install_is_exact_idempotent_and_uninstall_restores_the_tree(built, tmp_path):
    stage = tmp_path / "stage"
    (stage / "keep").mkdir(parents=True)
    (stage / "keep/file").write_text("not ours")
    before = tree(stage)
    chosen, args = f"build_dir={built}", [f"--destdir={stage}", f"--install-mod-path={stage}"]
    dry = run_doit(built.parent, "install", *args, "--dry-run", chosen)
    assert "would be written (dry run)" in dry.stdout and tree(stage) == before
    run_doit(built.parent, "install", *args, chosen)
    installed = tree(stage)
    release = json.loads((built / "configure.json").read_text())["kernel"]["release"]
    modules = f"lib/modules/{release}"
    assert installed[f"{modules}/updates/netmap.ko"] == 0o644
    assert installed["usr/local/bin/pkt-gen"] == 0o755
    assert installed["usr/local/lib/libnetmap.a"] == 0o644
    for header in ("net/netmap.h", "net/netmap_user.h", "libnetmap.h"):
        assert installed[f"usr/local/include/{header}"] == 0o644
    assert installed["usr/local/share/man/man4/netmap.4"] == 0o644
    assert "updates/netmap.ko:" in (stage / modules / "modules.dep").read_text()
    manifest = json.loads((built / install.MANIFEST).read_text())
    ours = {str(Path(f["destination"]).relative_to(stage)) for f in manifest["files"]}
    assert ours == set(installed) - set(before) - {p for p in installed if "/modules." in p}
    mtimes = {p: (stage / p).stat().st_mtime_ns for p in installed}
    again = run_doit(built.parent, "install", *args, chosen)
    assert "(0 written" in again.stdout
    assert {p: (stage / p).stat().st_mtime_ns for p in installed} == mtimes
    run_doit(built.parent, "uninstall", chosen)
    assert tree(stage) == before
    assert sorted(p.name for p in stage.iterdir()) == ["keep"]


def test_failed_modules_are_never_installed(built, tmp_path):
    context = load_context(built)
    report = json.loads((built / "build.json").read_text())
    report["modules"]["netmap.ko"]["status"] = "failed"
    (built / "build.json").write_text(json.dumps(report))
    try:
        where = install.targets(context, str(tmp_path), str(tmp_path), "")
        assert not [i for i in install.plan(context, where) if i.destination.endswith(".ko")]
    finally:
        report["modules"]["netmap.ko"]["status"] = "built"
        (built / "build.json").write_text(json.dumps(report))


def test_system_paths_without_permission_suggest_sudo_or_staging(built, monkeypatch):
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    context = load_context(built)
    items = install.plan(context, install.targets(context, "", "", ""))
    with pytest.raises(UserError) as error:
        install.check_writable(items)
    assert "sudo" in error.value.remedy and "--destdir" in error.value.remedy
