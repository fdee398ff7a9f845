"""What `doit vmtest` checks in the guest, as data: one scenario per QEMU boot.

Each scenario boots the target kernel once, so a panic or hang in one cannot
hide the others' results.  Its checks are shell functions in ``guest/<script>``
(busybox sh); ``guest/lib.sh`` holds the helpers they share.  The engine is in
``buildsys/vm/``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

GUEST = Path(__file__).parent / "guest"
TOOLS = Path(__file__).parent / "tools"  # C sources of the checks' own netmap programs


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
    # nic.sh's native checks: tx (eth0 sends), flood (eth1 counts), jumbo (9000-byte frames)
    traffic: tuple[str, ...] = ()
    packets: int = 2_000_000  # bounded runs: an unbounded pkt-gen can lock up a TCG guest
    veth_pair: bool = False  # no QEMU NIC: eth0 and eth1 are a veth pair the guest makes
    tools: tuple[str, ...] = ()  # host programs the checks need (iproute2's ip, bash)
    utils: tuple[str, ...] = ()  # upstream's test programs (utils/), linked statically
    # files and folders of the netmap tree, as they are, under /lib/upstream/ (its tests)
    upstream_files: tuple[str, ...] = ()
    # upstream's own tests that fail for a cause outside this project (check, why): such a
    # failure is reported as "known", with the run's own reason, and fails nothing
    known: tuple[tuple[str, str], ...] = ()
    load_plan: bool = False  # the guest gets doit load's own plan for ``stock`` (plan.sh)
    # False: run only when named (--scenarios=...); not yet in the suite, the note says why
    default: bool = True


def nic_pair(base: Scenario, flood: tuple[str, ...] = ("flood",)) -> tuple[Scenario, ...]:
    """A patched NIC driver in two boots: native tx, then a netmap receiver counting a
    flood (a hang with the receiver running must not hide the tx result)."""
    flood_boot = replace(base, name=f"{base.name}-flood", traffic=flood,
                         note=f"patched {base.name}: a netmap receiver counts a bounded flood")
    return replace(base, traffic=("tx",)), flood_boot


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("netmap", "netmap.ko, /dev/netmap, VALE and pipe traffic", "netmap.sh"),
    *nic_pair(Scenario("e1000", "patched e1000 on two emulated NICs: native tx", "nic.sh",
                       drivers=("e1000",), stock=("e1000",), nic_model="e1000",
                       packets=200_000),
              flood=("flood", "jumbo")),  # jumbo: frames over 5 slots, handed over whole
    *nic_pair(Scenario("virtio_net", "patched virtio_net on two virtio NICs: native tx, then close",
                       "nic.sh", drivers=("virtio_net",), stock=("virtio_net",),
                       nic_model="virtio-net-pci", platform=("virtio_pci",), packets=200_000)),
    *nic_pair(Scenario("e1000e", "patched e1000e on two emulated 82574L NICs: native tx",
                       "nic.sh", drivers=("e1000e",), stock=("e1000e",), nic_model="e1000e",
                       packets=200_000)),
    # no jumbo on e1000e: its glue lacks NAF_MOREFRAG, netmap refuses NS_MOREFRAG with
    # 2 KB buffers ("requires netmap buf size >= 4096")
    *nic_pair(Scenario("vmxnet3", "patched vmxnet3 on two emulated VMware NICs: native tx",
                       "nic.sh", drivers=("vmxnet3",), stock=("vmxnet3",), nic_model="vmxnet3",
                       packets=200_000)),
    # veth is a pipe: native tx needs a netmap reader on the peer (7.3 stalls after one
    # ring without one), so its one boot is the flood (drivers/veth/NOTES.md)
    Scenario("veth", "patched veth on a veth pair (eth0, eth1): a netmap receiver counts "
             "a bounded flood", "nic.sh", drivers=("veth",), stock=("veth",), veth_pair=True,
             tools=("ip",), traffic=("flood",), packets=200_000),
    # upstream's own control-API unit tests (its `make unitest`), each one a check
    Scenario("upstream-unit", "upstream's ctrl-api-test, test by test, on fresh veth pairs",
             "upstream-unit.sh", stock=("veth",), tools=("ip",), utils=("ctrl-api-test",),
             known=(("nmreq_parsing", "libnetmap's parser accepts netmap:vale0:0 and "
                     "netmap:eth0& that the test expects EINVAL for (userspace only; "
                     "vmtests/UPSTREAM.md)"),)),
    # upstream's integration tests (its `make intest`), each one a check named by its file;
    # not in the default run yet: 002 leaves persistent port v0 behind, and later VALE
    # tests then fail for that alone (vmtests/UPSTREAM.md)
    Scenario("upstream-integration", "upstream's utils/tests/*, one by one, as randomized_tests "
             "runs them", "upstream-integration.sh", stock=("veth",), tools=("ip", "bash"),
             utils=("functional", "fd_server"), upstream_files=("utils/test_lib", "utils/tests"),
             default=False),
    # doit load / unload for real: the plan `doit load` makes for a machine running the
    # stock e1000, executed in the guest; one step fails on purpose, the rollback is checked
    Scenario("load-plan", "doit load's plan in the guest: a failed step rolled back, then "
             "load, native tx and unload", "load-plan.sh", drivers=("e1000",),
             stock=("e1000",), nic_model="e1000", load_plan=True, packets=20_000),
    # QEMU has no RTL8169 model: load and unload, and check netmap's hooks resolved
    Scenario("realtek", "our r8169.ko replaces the stock one and goes away cleanly",
             "realtek.sh", drivers=("realtek",), stock=("r8169",)),
)
