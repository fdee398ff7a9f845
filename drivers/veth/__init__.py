"""The veth driver: virtual ethernet pairs."""

from pathlib import Path

from drivers.record import Driver

DRIVER = Driver(
    name="veth",
    kconfig="CONFIG_VETH",
    folder="drivers/net",
    modules=("veth",),
    upstream_name="veth.c",
    home=Path(__file__).parent,
    source_file="veth.c",
    upstream_patches="veth.c",
)
