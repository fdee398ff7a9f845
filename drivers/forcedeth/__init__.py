"""The forcedeth driver: NVIDIA nForce ethernet."""

from pathlib import Path

from drivers.record import Driver

DRIVER = Driver(
    name="forcedeth",
    kconfig="CONFIG_FORCEDETH",
    folder="drivers/net/ethernet/nvidia",
    modules=("forcedeth",),
    upstream_name="forcedeth.c",
    home=Path(__file__).parent,
    source_file="forcedeth.c",
    upstream_patches="forcedeth.c",
)
