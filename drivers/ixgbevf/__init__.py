"""The ixgbevf driver: Intel 10G virtual function."""

from pathlib import Path

from drivers.ixgbevf.probes import PROBES
from drivers.record import Driver

DRIVER = Driver(
    name="ixgbevf",
    kconfig="CONFIG_IXGBEVF",
    folder="drivers/net/ethernet/intel/ixgbevf",
    modules=("ixgbevf",),
    upstream_name="ixgbevf",
    home=Path(__file__).parent,
    upstream_patches="ixgbevf",
    probes=PROBES,
)
