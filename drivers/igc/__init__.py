"""The igc driver: Intel I225/I226 2.5G."""

from pathlib import Path

from drivers.record import Driver

DRIVER = Driver(
    name="igc",
    kconfig="CONFIG_IGC",
    folder="drivers/net/ethernet/intel/igc",
    modules=("igc",),
    upstream_name="igc",
    home=Path(__file__).parent,
    upstream_patches="igc",
)
