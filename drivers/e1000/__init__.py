"""The e1000 driver: Intel PRO/1000 (QEMU's default NIC)."""

from pathlib import Path

from drivers.record import Driver

DRIVER = Driver(
    name="e1000",
    kconfig="CONFIG_E1000",
    folder="drivers/net/ethernet/intel/e1000",
    modules=("e1000",),
    upstream_name="e1000",
    home=Path(__file__).parent,
    upstream_patches="e1000",
    # rxsync's import loop had no bound: it could circle the ring for ever (NOTES.md)
    glue_patches=("if_e1000_netmap.h.diff",),
)
