"""QEMU for the test guest: the kernel image, the accelerator, one bounded boot.

No disk and no network: the kernel boots with the initramfs as its root file
system.  The console (kernel messages and the checks' transcript) goes to
ttyS0's file; the checks' results to ttyS1's, one clean line each.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from buildsys.core import proc
from buildsys.core.errors import UserError
from buildsys.core.locking import write_atomic
from buildsys.vm.initramfs import Archive

QEMU = "qemu-system-x86_64"
MEMORY_MB = 1024  # netmap's default pools take a few hundred MB at the first register
# a hang becomes a fast panic, and a panic ends QEMU (-no-reboot, panic=-1).
# no_timer_check: on a loaded host a TCG guest can miss the early IO-APIC timer
# check and panic ("IO-APIC + timer doesn't work!", 7.3 here, with 3 guests on 2 cores)
KERNEL_ARGS = ("console=ttyS0 panic=-1 oops=panic panic_on_warn=1 softlockup_panic=1 "
               "watchdog_thresh=5 sysctl.kernel.hung_task_panic=1 "
               "sysctl.kernel.hung_task_timeout_secs=15 no_timer_check")
KVM_FAILURES = ("KVM internal error", "emulation failure", "failed to initialize kvm",
                "Could not access KVM")
BOOT_MARK = "NMT boot"
# in each boot's work dir
INITRAMFS, CONSOLE, RESULTS = "initramfs.cpio", "console.log", "results.log"
SILENCE = 60.0  # seconds with no output from the guest: it hangs (pkt-gen runs take < 40 s)


@dataclass(frozen=True)
class Accelerator:
    name: str  # "kvm" or "tcg"
    reason: str

    def argv(self) -> list[str]:
        if self.name == "kvm":
            return ["-accel", "kvm", "-cpu", "host"]
        # multi-threaded TCG gave an early-boot "Oops: int3" in 1 of 8 boots here
        return ["-accel", "tcg,thread=single"]


@dataclass(frozen=True)
class Boot:
    console: Path
    results: Path
    log: Path
    stopped: str  # why the host stopped the guest ("" if it powered off)


def qemu() -> str:
    found = shutil.which(QEMU)
    if not found:
        raise UserError(f"{QEMU} is not installed", "install qemu-system-x86")
    return found


def kernel_image(release: str, override: str = "") -> Path:
    image = Path(override) if override else Path("/boot") / f"vmlinuz-{release}"
    if not image.is_file():
        raise UserError(f"no kernel image {image}",
                        f"install linux-image-{release}, or pass --kernel-image=FILE")
    return image


def machine_argv(accel: Accelerator, image: Path, workdir: Path,
                 nic_model: str | None) -> list[str]:
    """Boots ``workdir``'s initramfs; its serial ports write ``workdir``'s two logs."""
    argv = [qemu(), *accel.argv(), "-smp", "2", "-m", str(MEMORY_MB), "-nodefaults",
            "-display", "none", "-no-reboot", "-kernel", str(image),
            "-initrd", str(workdir / INITRAMFS), "-append", KERNEL_ARGS,
            "-serial", f"file:{workdir / CONSOLE}", "-serial", f"file:{workdir / RESULTS}"]
    for index in range(2 if nic_model else 0):  # two NICs on one hub: eth0 -> eth1
        argv += ["-netdev", f"hubport,id=nic{index},hubid=0",
                 "-device", f"{nic_model},netdev=nic{index},mac=52:54:00:12:34:{index + 1:02x}"]
    return argv


def boot(argv: list[str], workdir: Path, timeout: float) -> Boot:
    """One boot, stopped after ``timeout`` s or when the guest falls silent.

    A guest that locks up with interrupts off prints nothing more and no watchdog
    fires under TCG: silence on both serial ports for ``SILENCE`` s ends it.
    """
    console, results = workdir / CONSOLE, workdir / RESULTS
    for stale in (console, results):
        stale.unlink(missing_ok=True)
    log = proc.fresh_log(workdir / "qemu.log")  # the KVM trial reads back this boot only
    guard = proc.Guard(timeout, _silence_watch(console, results))
    result = proc.run(argv, log, check=False, guard=guard,
                      on_line=lambda line: any(f in line for f in KVM_FAILURES))
    return Boot(console, results, log, result.stopped)


def _silence_watch(*outputs: Path) -> Callable[[], str]:
    last = {"size": -1, "since": time.monotonic()}

    def stalled() -> str:
        size = sum(path.stat().st_size for path in outputs if path.is_file())
        now = time.monotonic()
        if size != last["size"]:
            last.update(size=size, since=now)
        silent = now - last["since"] > SILENCE
        return f"the guest printed nothing for {SILENCE:.0f} s" if silent else ""

    return stalled


def choose_accelerator(requested: str, image: Path, workdir: Path, busybox: Path) -> Accelerator:
    """KVM only when a trial boot with it reaches /init: a /dev/kvm that exists may
    still be unable to run a stock kernel (nested, paravirtual)."""
    if requested == "tcg":
        return Accelerator("tcg", "asked for (--accel=tcg)")
    if not os.access("/dev/kvm", os.R_OK | os.W_OK):
        if requested == "kvm":
            raise UserError("/dev/kvm is not usable here", "use --accel=tcg or --accel=auto")
        return Accelerator("tcg", "no usable /dev/kvm")
    failure = _remembered_trial(image, workdir, busybox)
    if failure is None:
        return Accelerator("kvm", "a trial boot with KVM worked")
    if requested == "kvm":
        raise UserError(f"KVM cannot boot this kernel ({failure})", "use --accel=tcg or auto")
    return Accelerator("tcg", f"KVM cannot boot the kernel here ({failure})")


def _remembered_trial(image: Path, workdir: Path, busybox: Path) -> str | None:
    """The trial's verdict, tried once per QEMU, image and host kernel (a silent
    failure costs the whole 15 s trial timeout on every run otherwise)."""
    key = {"qemu": qemu(), "qemu_mtime": Path(qemu()).stat().st_mtime_ns,
           "image": str(image), "image_mtime": image.stat().st_mtime_ns,
           "host": os.uname().release}
    record = workdir / "verdict.json"
    try:
        known = json.loads(record.read_text())
        if known.get("key") == key:
            failure: str | None = known.get("failure")
            return failure
    except (OSError, ValueError):
        pass
    failure = _try_kvm(image, workdir, busybox)
    write_atomic(record, json.dumps({"key": key, "failure": failure}) + "\n")
    return failure


def _try_kvm(image: Path, workdir: Path, busybox: Path) -> str | None:
    workdir.mkdir(parents=True, exist_ok=True)
    archive = Archive()
    archive.file("bin/busybox", busybox.read_bytes(), 0o755)
    archive.file("init", b"#!/bin/busybox sh\n/bin/busybox mount -t devtmpfs dev /dev\n"
                 b"echo 'NMT boot' > /dev/ttyS1\n/bin/busybox reboot -f\n", 0o755)
    archive.write(workdir / INITRAMFS)
    argv = machine_argv(Accelerator("kvm", ""), image, workdir, None)
    trial = boot(argv, workdir, timeout=15)  # a KVM boot reaches /init in about a second
    if trial.results.is_file() and BOOT_MARK in trial.results.read_text(errors="replace"):
        return None
    qemu_said = [line for line in trial.log.read_text(errors="replace").splitlines()[1:]
                 if any(f in line for f in KVM_FAILURES)]
    return qemu_said[0] if qemu_said else trial.stopped or "no boot"


def image_release(image: Path) -> str | None:
    """The release a bzImage was built as (from its boot header), None if unreadable."""
    with image.open("rb") as data:
        header = data.read(0x210)
        if len(header) < 0x210 or header[0x202:0x206] != b"HdrS":
            return None
        data.seek(int.from_bytes(header[0x20E:0x210], "little") + 0x200)
        text = data.read(256).split(b"\0")[0].decode(errors="replace")
    return text.split(" ")[0] or None


def check_release(image: Path, release: str) -> None:
    found = image_release(image)
    if found is not None and found != release:
        raise UserError(f"{image} is kernel {found}, the build is for {release}",
                        f"pass the vmlinuz of {release} with --kernel-image=FILE")
