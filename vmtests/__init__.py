"""What `doit vmtest` checks in the guest, as data: one scenario per QEMU boot.

Each scenario boots the target kernel once, so a panic or hang in one cannot
hide the others' results.  Its checks are shell functions in ``guest/<script>``
(busybox sh); ``guest/lib.sh`` holds the helpers they share.  The engine is in
``buildsys/vm/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

GUEST = Path(__file__).parent / "guest"


@dataclass(frozen=True)
class Scenario:
    """One boot: the checks of ``script``, with the NICs and modules they need.

    ``drivers`` must have been built (else the scenario is skipped, saying so);
    ``platform`` modules are loaded first where the kernel builds them as modules
    (Debian's 6.1 has virtio_pci=m, 6.12 has it built in);
    ``stock`` are the in-tree modules loaded at boot, as a real system would
    have them, for the checks to replace; ``nic_model`` adds two QEMU NICs of
    that model on one hub (eth0 sends, eth1 receives).
    """

    name: str
    note: str
    script: str
    drivers: tuple[str, ...] = ()
    stock: tuple[str, ...] = ()
    nic_model: str | None = None
    platform: tuple[str, ...] = ()  # in-tree bus modules the NICs need (virtio_pci), if modular
    traffic: tuple[str, ...] = ()  # nic.sh's native checks: tx (eth0 sends), flood (eth1 counts)
    packets: int = 2_000_000  # bounded runs: an unbounded pkt-gen can lock up a TCG guest


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("netmap", "netmap.ko, /dev/netmap, VALE and pipe traffic", "netmap.sh"),
    # each NIC twice: a hang with a receiver running must not hide the tx result
    Scenario("e1000", "patched e1000 on two emulated NICs: native tx", "nic.sh",
             drivers=("e1000",), stock=("e1000",), nic_model="e1000", traffic=("tx",),
             packets=200_000),
    Scenario("e1000-flood", "patched e1000: a netmap receiver counts a bounded flood",
             "nic.sh", drivers=("e1000",), stock=("e1000",), nic_model="e1000",
             traffic=("flood",), packets=200_000),
    Scenario("virtio_net", "patched virtio_net on two virtio NICs: native tx, then close",
             "nic.sh", drivers=("virtio_net",), stock=("virtio_net",),
             nic_model="virtio-net-pci", platform=("virtio_pci",), traffic=("tx",),
             packets=200_000),
    Scenario("virtio_net-flood", "patched virtio_net: a netmap receiver counts a bounded flood",
             "nic.sh", drivers=("virtio_net",), stock=("virtio_net",),
             nic_model="virtio-net-pci", platform=("virtio_pci",), traffic=("flood",),
             packets=200_000),
    # QEMU has no RTL8169 model: load and unload, and check netmap's hooks resolved
    Scenario("realtek", "our r8169.ko replaces the stock one and goes away cleanly",
             "realtek.sh", drivers=("realtek",), stock=("r8169",)),
)


def by_name(name: str) -> Scenario | None:
    return next((s for s in SCENARIOS if s.name == name), None)
