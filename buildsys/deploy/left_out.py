"""The drivers a DKMS build left out for one kernel, and why: the record dkms.conf reads.

A patched driver that fails (its patch does not apply, it does not compile, its module fails
the ELF checks) must never cost the user netmap.ko.  DKMS cannot leave a module out by
itself: dkms.conf names every module before the build runs, and a named module missing
afterwards fails the whole build (status 7 in dkms 3.0.10 and 3.2), then the package's
postinst.  So the build records the driver here and fails once; dkms.conf leaves every
driver recorded for the kernel out of its module list, and the next build (the package's
postinst runs it at once) makes netmap.ko and the other drivers.

The record of a kernel is ``<state>/<package version>/<kernel release>/left-out``, one
line ``<driver> <reason>`` per driver (dkms.conf greps it: keep it that plain), with the
driver's log beside it.  ``<state>`` is /var/lib/netmap-dkms, or $NETMAP_DKMS_STATE.
"""

from __future__ import annotations

import shutil
from pathlib import Path

STATE_DIR = "/var/lib/netmap-dkms"
STATE_VARIABLE = "NETMAP_DKMS_STATE"  # tests point it at a temporary dir
RECORD = "left-out"


def read(kernel_state: Path) -> dict[str, str]:
    """Driver -> reason, as recorded for this kernel (none: empty)."""
    path = kernel_state / RECORD
    if not path.is_file():
        return {}
    found = {}
    for line in path.read_text(errors="replace").splitlines():
        name, _, reason = line.partition(" ")
        if name:
            found[name] = reason
    return found


def add(kernel_state: Path, name: str, reason: str, log: Path | None) -> Path:
    """Record ``name`` as left out, keeping a copy of ``log``; the record's path."""
    kernel_state.mkdir(parents=True, exist_ok=True)
    reason = " ".join(reason.split())  # one line, whatever the message held
    if log is not None and log.is_file():
        kept = kernel_state / f"{name}.log"
        shutil.copyfile(log, kept)
        reason += f" (log: {kept})"
    with (kernel_state / RECORD).open("a") as record:
        record.write(f"{name} {reason}\n")
    return kernel_state / RECORD

