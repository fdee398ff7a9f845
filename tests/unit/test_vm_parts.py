"""The vmtest engine's pure parts: the initramfs, module order, verdicts, the guard."""

from __future__ import annotations

import lzma
import os
import stat
import time
from pathlib import Path

import pytest

from buildsys.build.elfcheck import module_bytes
from buildsys.core import proc
from buildsys.core.errors import UserError
from buildsys.vm import qemu, verdict
from buildsys.vm.initramfs import Archive
from buildsys.vm.kmods import InTree, module_name


def read_newc(blob: bytes) -> dict[str, tuple[int, bytes]]:
    """A minimal newc reader, to check what the writer wrote."""
    entries: dict[str, tuple[int, bytes]] = {}
    offset = 0
    while True:
        header = blob[offset:offset + 110]
        assert header[:6] == b"070701"
        fields = [int(header[6 + 8 * i:14 + 8 * i], 16) for i in range(13)]
        mode, size, name_size = fields[1], fields[6], fields[11]
        name_start = offset + 110
        name = blob[name_start:name_start + name_size - 1].decode()
        data_start = name_start + name_size + (-(110 + name_size) % 4)
        if name == "TRAILER!!!":
            return entries
        entries[name] = (mode, blob[data_start:data_start + size])
        offset = data_start + size + (-size % 4)


def test_archive_holds_files_and_dirs(tmp_path: Path) -> None:
    archive = Archive()
    archive.file("init", b"#!/bin/sh\n", 0o755)
    archive.file("lib/nm/netmap.ko", b"\x7fELF" + b"x" * 5)
    archive.write(tmp_path / "root.cpio")
    entries = read_newc((tmp_path / "root.cpio").read_bytes())
    assert set(entries) == {"init", "lib", "lib/nm", "lib/nm/netmap.ko"}
    assert entries["init"] == (stat.S_IFREG | 0o755, b"#!/bin/sh\n")
    assert entries["lib/nm/netmap.ko"][1] == b"\x7fELFxxxxx"
    assert stat.S_ISDIR(entries["lib/nm"][0])
    assert not (tmp_path / "root.part").exists()


def test_modules_are_stored_decompressed(tmp_path: Path) -> None:
    (tmp_path / "e1000.ko.xz").write_bytes(lzma.compress(b"\x7fELF module"))
    assert module_bytes(tmp_path / "e1000.ko.xz") == b"\x7fELF module"
    (tmp_path / "e1000.ko.zst").write_bytes(b"zstd")
    with pytest.raises(UserError, match="compression not supported"):
        module_bytes(tmp_path / "e1000.ko.zst")


def test_in_tree_modules_come_after_what_they_need(tmp_path: Path) -> None:
    (tmp_path / "modules.dep").write_text(
        "kernel/drivers/net/phy/libphy.ko.xz:\n"
        "kernel/drivers/net/phy/mdio_devres.ko.xz: kernel/drivers/net/phy/libphy.ko.xz\n"
        "kernel/drivers/net/ethernet/realtek/r8169.ko.xz: "
        "kernel/drivers/net/phy/mdio_devres.ko.xz kernel/drivers/net/phy/libphy.ko.xz\n")
    (tmp_path / "modules.builtin").write_text("kernel/drivers/net/virtio_net.ko\n")
    in_tree = InTree(tmp_path)
    assert in_tree.load_order(["r8169", "libphy"]) == ["libphy", "mdio_devres", "r8169"]
    assert in_tree.path("r8169").name == "r8169.ko.xz"
    assert "virtio_net" in in_tree.builtin and not in_tree.has("virtio_net")
    assert module_name("kernel/net/core/failover-x.ko.xz") == "failover_x"


RESULTS = """NMT boot 6.12.117+deb12-amd64
NMT begin load
NMT end load pass
NMT begin vale
NMT metric vale tx_packets 2000000
NMT metric vale tx_pps 6.416M
NMT metric vale rx_pps 269.075K
NMT end vale pass
"""


def test_verdict_reads_results_and_metrics() -> None:
    checks = verdict.judge("netmap", RESULTS + "NMT done\n", "[ 1.0] netmap: loaded\n", "")
    assert [(c.name, c.status) for c in checks] == [
        ("load", "pass"), ("vale", "pass"), ("console", "pass")]
    assert checks[1].metrics == {"tx_packets": 2e6, "tx_pps": 6.416e6, "rx_pps": 269075.0}


def test_a_kernel_warning_fails_the_check_that_was_running() -> None:
    console = ("[    0.1] Kernel command line: console=ttyS0 softlockup_panic=1\n"
               "NMT begin load\nNMT begin vale\n"
               "[    3.2] WARNING: CPU: 0 PID: 9 at net/core/dev.c:1 foo\n")
    checks = verdict.judge("netmap", RESULTS + "NMT done\n", console, "")
    by_name = {c.name: c for c in checks}
    assert by_name["load"].status == "pass"
    assert by_name["vale"].status == "fail"
    assert by_name["vale"].reason == "kernel: WARNING: CPU: 0 PID: 9 at net/core/dev.c:1 foo"
    assert by_name["console"].status == "fail"


def test_a_guest_that_stops_mid_check_fails_it_with_the_cause() -> None:
    results = "NMT boot x\nNMT begin rx\n"
    console = ("NMT begin rx\n[ 20.1] watchdog: BUG: soft lockup - CPU#0 stuck for 11s! [pkt-gen:91]\n"
               "[ 20.2] Kernel panic - not syncing: softlockup: hung tasks\n")
    checks = verdict.judge("e1000", results, console, "QEMU ended before the checks did")
    assert checks[0].status == "fail"
    assert checks[0].reason.startswith("no result: QEMU ended")
    assert "soft lockup - CPU#0" in checks[0].reason
    assert checks[-1].status == "fail"


def test_a_guest_that_never_reports_fails_the_scenario() -> None:
    checks = verdict.judge("e1000", "", "", "the host stopped the guest: no end after 5 s")
    assert [(c.name, c.status) for c in checks] == [("console", "fail")]
    assert "no end after 5 s" in checks[0].reason


def fake_bzimage(path: Path, version: bytes) -> Path:
    blob = bytearray(0x400)
    blob[0x202:0x206] = b"HdrS"
    blob[0x20E:0x210] = (0x100).to_bytes(2, "little")
    blob[0x300:0x300 + len(version)] = version
    path.write_bytes(bytes(blob))
    return path


def test_the_image_must_be_the_configured_release(tmp_path: Path) -> None:
    image = fake_bzimage(tmp_path / "vmlinuz", b"6.1.0-56-amd64 (debian-kernel@lists) #1 SMP\0")
    assert qemu.image_release(image) == "6.1.0-56-amd64"
    qemu.check_release(image, "6.1.0-56-amd64")
    with pytest.raises(UserError, match=r"is kernel 6\.1\.0-56-amd64, the build is for 6\.12"):
        qemu.check_release(image, "6.12.117+deb12-amd64")
    with pytest.raises(UserError, match=r"no kernel image /boot/vmlinuz-9\.9\.9-amd64") as error:
        qemu.kernel_image("9.9.9-amd64")
    assert error.value.remedy.startswith("install linux-image-9.9.9-amd64")


def test_tcg_when_asked_and_no_kvm_without_dev_kvm(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    image = tmp_path / "vmlinuz"
    assert qemu.choose_accelerator("tcg", image, tmp_path, tmp_path).name == "tcg"
    monkeypatch.setattr(os, "access", lambda *_: False)
    assert qemu.choose_accelerator("auto", image, tmp_path, tmp_path).reason == "no usable /dev/kvm"
    with pytest.raises(UserError, match="/dev/kvm is not usable"):
        qemu.choose_accelerator("kvm", image, tmp_path, tmp_path)


def test_the_guard_stops_a_stalled_command(tmp_path: Path) -> None:
    started = time.monotonic()
    guard = proc.Guard(60, lambda: "silent" if time.monotonic() - started > 0.2 else "")
    result = proc.run(["sleep", "30"], tmp_path / "sleep.log", check=False, guard=guard)
    assert result.stopped == "silent"
    assert result.returncode != 0
    timed = proc.run(["sleep", "30"], tmp_path / "sleep.log", check=False, guard=proc.Guard(0.3))
    assert timed.stopped == "no end after 0 s"
    done = proc.run(["true"], tmp_path / "true.log", guard=proc.Guard(5))
    assert done.stopped == "" and done.returncode == 0


def test_a_dashed_dependency_of_the_load_plan_gets_its_chain(tmp_path: Path) -> None:
    """igb's modinfo says depends=i2c-algo-bit (so does doit load's modprobe); modules.dep's
    file is i2c-algo-bit.ko, known as i2c_algo_bit: the guest must still get the module."""
    from buildsys.deploy.loading import LoadPlan  # noqa: PLC0415
    from buildsys.vm import guestplan  # noqa: PLC0415

    (tmp_path / "modules.dep").write_text(
        "kernel/drivers/i2c/algos/i2c-algo-bit.ko:\n")
    (tmp_path / "kernel/drivers/i2c/algos").mkdir(parents=True)
    (tmp_path / "kernel/drivers/i2c/algos/i2c-algo-bit.ko").write_bytes(b"\x7fELF bit")
    igb = tmp_path / "igb.ko"
    igb.write_bytes(b"\x7fELF igb")
    plan = LoadPlan(commands=[["modprobe", "i2c-algo-bit"], ["insmod", str(igb)]],
                    inserted=["igb"])
    archive = Archive()
    guestplan.add(archive, plan, InTree(tmp_path))
    chain = archive.entries["lib/stock/i2c-algo-bit.chain"][1].decode().split()
    assert chain == ["/lib/stock/i2c_algo_bit.ko"]
    assert archive.entries["lib/stock/i2c_algo_bit.ko"][1] == b"\x7fELF bit"
