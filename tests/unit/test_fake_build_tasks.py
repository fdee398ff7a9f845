"""The build's task graph (buildsys/build/tasks.py) of a build dir configured against the
fake kbuild tree: task names, what each reads and makes, and no task for a skipped driver.
Nothing is built.  The e1000 driver is selected for real: its kernel sources are made from
what upstream's patch expects to find (the patch's pre-image), so the dry run applies."""

from __future__ import annotations

import re
import tarfile
from pathlib import Path

from packaging.version import Version

from buildsys.build.tasks import Task, build_tasks, expected_artifacts
from buildsys.cli.options import Options
from buildsys.configure.context import load_context
from buildsys.configure.run import configure
from buildsys.drivers.patching import choose_patch
from drivers.catalog import by_name
from tests.conftest import NETMAP_TARBALL

E1000_FOLDER = "drivers/net/ethernet/intel"
_HUNK = re.compile(r"^@@ -(?P<start>\d+)(?:,(?P<old>\d+))? \+\d+(?:,(?P<new>\d+))? @@")


def preimage(patch: str) -> dict[str, str]:
    """The files a unified diff applies to, as far as its hunks show them (context and
    removed lines, each hunk at its own line), by their path without the diff's first
    component."""
    files: dict[str, list[str]] = {}
    lines = patch.splitlines()
    path = ""
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if line.startswith("+++ "):
            path = line[4:].split("\t")[0].split("/", 1)[1]
            files.setdefault(path, [])
        hunk = _HUNK.match(line)
        if not hunk:
            continue
        old, new = int(hunk["old"] or 1), int(hunk["new"] or 1)
        body = files[path]
        # at the hunk's own line: hunks with the same context stay in their order
        body += ["/* a line the patch does not show */"] * (int(hunk["start"]) - 1 - len(body))
        while old or new:
            line = lines[index]
            index += 1
            if line.startswith("\\"):
                continue
            kind, text = (line[:1] or " "), line[1:]
            if kind in " -":
                body.append(text)
                old -= 1
            new -= kind in " +"
    return {name: "\n".join(body) + "\n" for name, body in files.items()}


def e1000_sources(tmp_path: Path, version: str) -> Path:
    """Kernel sources holding an e1000 that upstream's patch for ``version`` applies to."""
    netmap = tmp_path / "netmap-patches"
    with tarfile.open(NETMAP_TARBALL) as tarball:
        for member in tarball.getmembers():
            if "/LINUX/final-patches/vanilla--e1000--" in member.name and member.isfile():
                extracted = tarball.extractfile(member)
                assert extracted is not None
                target = netmap / "LINUX/final-patches" / Path(member.name).name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(extracted.read())
    driver = by_name("e1000")
    assert driver is not None
    patch = choose_patch(driver, Version(version), netmap)
    assert patch is not None and patch.origin == "upstream"
    root = tmp_path / "linux-source"
    major, minor, micro = version.split(".")
    root.mkdir()
    (root / "Makefile").write_text(f"VERSION = {major}\nPATCHLEVEL = {minor}\nSUBLEVEL = {micro}\n")
    for relative, text in preimage(patch.path.read_text()).items():
        (root / E1000_FOLDER / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / E1000_FOLDER / relative).write_text(text)
    return root


def configured(tmp_path: Path, fake_linux, drivers: list[str]) -> Path:
    kernel = fake_linux("6.99.0", {"CONFIG_E1000": "m", "CONFIG_R8169": None})
    options = Options(kernel_dir=str(kernel), netmap_src=str(NETMAP_TARBALL),
                      kernel_sources=str(e1000_sources(tmp_path, "6.99.0")),
                      build_dir=str(tmp_path / "b"), drivers=drivers, apps=["pkt-gen"],
                      utils=False)
    configure(options)
    return tmp_path / "b"


def tasks_of(build_dir: Path) -> dict[str, Task]:
    tasks = build_tasks(load_context(build_dir), lambda config: ("config_changed", config))
    return {task["name"]: task for task in tasks}


def test_a_selected_driver_has_its_task_and_a_skipped_one_none(tmp_path, fake_linux):
    build = configured(tmp_path, fake_linux, ["e1000", "realtek"])
    tasks = tasks_of(build)
    assert list(tasks) == ["netmap", "driver-e1000", "modules", "libnetmap", "pkt-gen", "apps"]
    driver = tasks["driver-e1000"]
    assert driver["targets"] == [str(build / "drivers/e1000/e1000/e1000.ko")]
    assert driver["task_dep"] == ["build:netmap"]
    patch = build / "netmap/LINUX/final-patches"
    assert any(Path(dep).parent == patch and "vanilla--e1000--" in dep
               for dep in driver["file_dep"])
    e1000 = by_name("e1000")
    assert e1000 is not None
    assert {str(build / "netmap_linux_config.h"),
            *(str(e1000.home / glue) for glue in e1000.glue_patches)} <= set(driver["file_dep"])
    assert tasks["modules"]["task_dep"] == ["build:netmap", "build:driver-e1000"]
    assert expected_artifacts(load_context(build)) == {
        "modules": {"netmap.ko", "e1000.ko (e1000)"}, "userspace": {"libnetmap", "pkt-gen"}}


def test_every_file_a_task_reads_exists_or_is_made_by_another_task(tmp_path, fake_linux):
    build = configured(tmp_path, fake_linux, ["e1000"])
    tasks = tasks_of(build)
    made = {target for task in tasks.values() for target in task.get("targets", [])}
    for name, task in tasks.items():
        missing = [dep for dep in task.get("file_dep", [])
                   if not Path(dep).is_file() and dep not in made]
        assert not missing, (name, missing)
        assert not set(task.get("targets", [])) & set(task.get("file_dep", [])), name
    assert str(build / "modules/netmap/netmap.ko") in tasks["netmap"]["targets"]
    assert str(build / "netmap/sys/dev/netmap/netmap.c") in tasks["netmap"]["file_dep"]
    assert str(build / "build-libnetmap/libnetmap.a") in tasks["pkt-gen"]["file_dep"]
    assert tasks["apps"]["task_dep"] == ["build:libnetmap", "build:pkt-gen"]
    # the driver rebuilds when its plan (patch, pristine tree) changes, not only its files
    recorded, ahead = tasks["driver-e1000"]["uptodate"]
    assert recorded[0] == "config_changed" and "plan" in recorded[1]
    assert ahead() is True  # not started ahead: up to date as far as that goes


def test_no_drivers_means_no_driver_task(tmp_path, fake_linux):
    build = configured(tmp_path, fake_linux, [])
    tasks = tasks_of(build)
    assert not [name for name in tasks if name.startswith("driver-")]
    assert tasks["modules"]["task_dep"] == ["build:netmap"]
    assert expected_artifacts(load_context(build))["modules"] == {"netmap.ko"}
