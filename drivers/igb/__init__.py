"""The igb driver: Intel 82575/82576/I350 gigabit."""

from pathlib import Path

from drivers.igb.probes import PROBES
from drivers.record import Driver

DRIVER = Driver(
    name="igb",
    kconfig="CONFIG_IGB",
    folder="drivers/net/ethernet/intel/igb",
    modules=("igb",),
    upstream_name="igb",
    home=Path(__file__).parent,
    upstream_patches="igb",
    probes=PROBES,
)
