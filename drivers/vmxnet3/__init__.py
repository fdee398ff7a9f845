"""The vmxnet3 driver: VMware paravirtual NIC."""

from pathlib import Path

from drivers.record import Driver, Patch
from drivers.vmxnet3.probes import PROBES

DRIVER = Driver(
    name="vmxnet3",
    kconfig="CONFIG_VMXNET3",
    folder="drivers/net/vmxnet3",
    modules=("vmxnet3",),
    upstream_name="vmxnet3",
    home=Path(__file__).parent,
    upstream_patches="vmxnet3",
    # upstream's 60600--99999 with one fix (NOTES.md): its tx-completion hook returned
    # inside rcu_read_lock(), a WARNING (panic_on_warn) at the first native tx on 6.12
    # (it applies with no fuzz to 7.2.12 and 7.3.4 too, proven there; 6.13-7.1 unverified)
    patches=(Patch("patches/vmxnet3-6.12.diff", since="6.12", until="6.13"),
             Patch("patches/vmxnet3-6.12.diff", since="7.2", until="7.4")),
    probes=PROBES,
)
