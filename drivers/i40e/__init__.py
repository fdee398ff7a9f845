"""The i40e driver: Intel XL710 40G."""

from pathlib import Path

from drivers.i40e.probes import PROBES
from drivers.record import Driver

DRIVER = Driver(
    name="i40e",
    kconfig="CONFIG_I40E",
    folder="drivers/net/ethernet/intel/i40e",
    modules=("i40e",),
    upstream_name="i40e",
    home=Path(__file__).parent,
    upstream_patches="i40e",
    probes=PROBES,
)
