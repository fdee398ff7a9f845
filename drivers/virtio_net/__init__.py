"""The virtio_net driver: the kernel's own virtio_net.c (upstream downloads a v4.9 one)."""

from pathlib import Path

from drivers.record import Driver, Patch

DRIVER = Driver(
    name="virtio_net",
    kconfig="CONFIG_VIRTIO_NET",
    folder="drivers/net",
    modules=("virtio_net",),
    upstream_name="virtio_net.c",
    home=Path(__file__).parent,
    source_file="virtio_net.c",
    upstream_patches="virtio_net.c",
    patches=(
        # upstream's 50b00--60500 patch, with its rx hook moved: 6.1.y's virtnet_poll()
        # gained "if (budget) virtqueue_disable_cb()" (a stable backport), so the hunk
        # no longer applies; the hooks are the same
        Patch("patches/virtio_net-6.1.diff", since="6.1", until="6.2"),
    ),
    note="virtio network device (the kernel's own virtio_net.c, never a download)",
    replaces=("virtio_net",),
)
