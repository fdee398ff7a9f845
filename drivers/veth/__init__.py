"""The veth driver: virtual ethernet pairs."""

from pathlib import Path

from drivers.record import Driver, Patch

DRIVER = Driver(
    name="veth",
    kconfig="CONFIG_VETH",
    folder="drivers/net",
    modules=("veth",),
    upstream_name="veth.c",
    home=Path(__file__).parent,
    source_file="veth.c",
    upstream_patches="veth.c",
    # upstream's 41400--60700 with its two rejected hunks folded in: 6.1.192's
    # veth_dev_init() only allocates the queues (the lstats moved to the core)
    # (it applies with no fuzz to 6.1.176 too, bookworm's point release that Debian 13 hosts
    # test through doit kernel-tree: upstream's patch fails there the same way)
    patches=(Patch("patches/veth-6.1.192.diff", since="6.1.176", until="6.2"),),
)
