"""The e1000e driver: Intel PRO/1000 PCIe."""

from pathlib import Path

from drivers.e1000e.probes import PROBES
from drivers.record import Driver

DRIVER = Driver(
    name="e1000e",
    kconfig="CONFIG_E1000E",
    folder="drivers/net/ethernet/intel/e1000e",
    modules=("e1000e",),
    upstream_name="e1000e",
    home=Path(__file__).parent,
    upstream_patches="e1000e",
    # rxsync flagged every whole frame NS_MOREFRAG, handed over partial frames and had
    # no bound (NOTES.md)
    glue_patches=("if_e1000e_netmap.h.diff",),
    probes=PROBES,
)
