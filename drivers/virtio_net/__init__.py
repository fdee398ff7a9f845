"""The virtio_net driver: the kernel's own virtio_net.c (upstream downloads a v4.9 one)."""

from pathlib import Path

from drivers.record import Driver

DRIVER = Driver(
    name="virtio_net",
    kconfig="CONFIG_VIRTIO_NET",
    folder="drivers/net",
    modules=("virtio_net",),
    upstream_name="virtio_net.c",
    home=Path(__file__).parent,
    source_file="virtio_net.c",
    upstream_patches="virtio_net.c",
    note="virtio network device (the kernel's own virtio_net.c, never a download)",
    replaces=("virtio_net",),
)
