"""What `doit vmtest` checks in the guest, as data: one scenario per QEMU boot (or more).

Each scenario boots the target kernel on its own, so a panic or hang in one cannot
hide the others' results (a guest that cannot go on cleanly may ask for a new boot
to continue in: ``resume`` in ``guest/lib.sh``).  Its checks are shell functions in
``guest/<script>`` (busybox sh); ``guest/lib.sh`` holds the helpers they share.  The
engine is in ``buildsys/vm/``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

GUEST = Path(__file__).parent / "guest"
TOOLS = Path(__file__).parent / "tools"  # C sources of the checks' own netmap programs


@dataclass(frozen=True)
class Known:
    """One of upstream's own tests failing for a cause outside this project: such a
    failure is reported as "known", with ``why`` and the run's own reason, and fails
    nothing. ``sign``: how the run's reason must begin ("" for any failure), so that
    the test failing in another way is still a failure."""

    check: str
    why: str
    sign: str = ""


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
    known: tuple[Known, ...] = ()  # upstream's own tests failing for a known cause
    # the guest gets doit load's own plan (plan.sh: nm_load, nm_unload) for a machine
    # running ``stock``, and swaps the drivers with it
    load_plan: bool = False
    # False: run only when named (--scenarios=...), its note says why
    default: bool = True


def nic_pair(base: Scenario, flood: tuple[str, ...] = ("flood",)) -> tuple[Scenario, ...]:
    """A patched NIC driver in two boots: native tx, then a netmap receiver counting a
    flood (a hang with the receiver running must not hide the tx result)."""
    flood_boot = replace(base, name=f"{base.name}-flood", traffic=flood,
                         note=f"patched {base.name}: a netmap receiver counts a bounded flood")
    return replace(base, traffic=("tx",)), flood_boot


# How upstream-integration.sh words a test that passed but left netmap.ko in use
LEFT_IN_USE = "passed, but left netmap.ko in use"
# netmap.ko's bug that leaves persistent port v0 behind in these (vmtests/UPSTREAM.md)
VALE_PORT_RENAMED = (
    "netmap.ko renames a VALE port attached to a switch to its interface's name (vale0:v0 "
    "becomes v0) at the port's first register, or at a bwrap's (netmap_update_config: "
    "upstream 335cb5ae, only bwraps spared by f9d73acb; luigirizzo/netmap#882): v0 can "
    "then neither be detached (ENXIO) nor removed (EBUSY) (vmtests/UPSTREAM.md)")
# (test, how its reason begins): all leave v0 behind; 009 first fails to detach it
PERSISTENT_PORT_TESTS = (
    ("002_exclusive_open_persistent_vale_port_test", LEFT_IN_USE),
    ("005_extra_buf_send_rec_persistent_vale_ports_test", LEFT_IN_USE),
    ("009_persistent_vale_port_destroy", "exit 1: detach vale0A:v0 FAIL(1 != 0)"),
    ("010_persistent_vale_port_double_attach", LEFT_IN_USE),
    ("011_persistent_vale_port_double_create", LEFT_IN_USE),
    ("013_rec_cp_mon_persistent_vale_port_test", LEFT_IN_USE),
    ("016_rec_zcp_mon_persistent_vale_port_test", LEFT_IN_USE),
    ("019_send_cp_mon_persistent_vale_port_test", LEFT_IN_USE),
    ("022_send_rec_persistent_vale_ports_test", LEFT_IN_USE),
    ("026_send_zcp_mon_persistent_vale_port_test", LEFT_IN_USE))

SCENARIOS: tuple[Scenario, ...] = (
    Scenario("netmap", "netmap.ko, /dev/netmap, VALE and pipe traffic", "netmap.sh"),
    *nic_pair(Scenario("e1000", "patched e1000 on two emulated NICs: native tx", "nic.sh",
                       drivers=("e1000",), stock=("e1000",), nic_model="e1000",
                       packets=200_000, load_plan=True),
              flood=("flood", "jumbo")),  # jumbo: frames over 5 slots, handed over whole
    *nic_pair(Scenario("virtio_net", "patched virtio_net on two virtio NICs: native tx, then close",
                       "nic.sh", drivers=("virtio_net",), stock=("virtio_net",),
                       nic_model="virtio-net-pci", platform=("virtio_pci",), packets=200_000,
                       load_plan=True)),
    *nic_pair(Scenario("e1000e", "patched e1000e on two emulated 82574L NICs: native tx",
                       "nic.sh", drivers=("e1000e",), stock=("e1000e",), nic_model="e1000e",
                       packets=200_000, load_plan=True)),
    # no jumbo on e1000e: its glue lacks NAF_MOREFRAG, netmap refuses NS_MOREFRAG with
    # 2 KB buffers ("requires netmap buf size >= 4096")
    *nic_pair(Scenario("vmxnet3", "patched vmxnet3 on two emulated VMware NICs: native tx",
                       "nic.sh", drivers=("vmxnet3",), stock=("vmxnet3",), nic_model="vmxnet3",
                       packets=200_000, load_plan=True)),
    # veth is a pipe: native tx needs a netmap reader on the peer (7.3 stalls after one
    # ring without one), so its one boot is the flood (drivers/veth/NOTES.md)
    Scenario("veth", "patched veth on a veth pair (eth0, eth1): a netmap receiver counts "
             "a bounded flood", "nic.sh", drivers=("veth",), stock=("veth",), veth_pair=True,
             tools=("ip",), traffic=("flood",), packets=200_000, load_plan=True),
    # upstream's own control-API unit tests (its `make unitest`), each one a check
    Scenario("upstream-unit", "upstream's ctrl-api-test, test by test, on fresh veth pairs",
             "upstream-unit.sh", stock=("veth",), tools=("ip",), utils=("ctrl-api-test",),
             known=(Known("nmreq_parsing", "libnetmap's parser accepts netmap:vale0:0 and "
                          "netmap:eth0& that the test expects EINVAL for (userspace only; "
                          "vmtests/UPSTREAM.md)"),)),
    # upstream's integration tests (its `make intest`), each one a check named by its file,
    # each on a fresh netmap.ko; one that leaves netmap.ko in use ends the boot, and the
    # next test runs in a new one (vmtests/UPSTREAM.md)
    Scenario("upstream-integration", "upstream's utils/tests/*, one by one, each on a fresh "
             "netmap.ko", "upstream-integration.sh", stock=("veth",), tools=("ip", "bash"),
             utils=("functional", "fd_server", "get_max_tx_packets", "get_avail_tx_packets"),
             upstream_files=("utils/test_lib", "utils/tests"),
             known=tuple(Known(test, VALE_PORT_RENAMED, sign)
                         for test, sign in PERSISTENT_PORT_TESTS)),
    # doit load / unload for real: the plan `doit load` makes for a machine running the
    # stock e1000, executed in the guest; one step fails on purpose, the rollback is checked
    Scenario("load-plan", "doit load's plan in the guest: a failed step rolled back, then "
             "load, native tx and unload", "load-plan.sh", drivers=("e1000",),
             stock=("e1000",), nic_model="e1000", load_plan=True, packets=20_000),
    # QEMU has no RTL8169 model: load and unload, and check netmap's hooks resolved
    Scenario("realtek", "our r8169.ko replaces the stock one and goes away cleanly",
             "realtek.sh", drivers=("realtek",), stock=("r8169",), load_plan=True),
)
