"""The virtio_net driver (virtio network device): the kernel's own virtio_net.c, never a
download (upstream downloads a v4.9 one)."""

from pathlib import Path

from drivers.record import Driver, Patch
from drivers.virtio_net.probes import PROBES

DRIVER = Driver(
    name="virtio_net",
    kconfig="CONFIG_VIRTIO_NET",
    folder="drivers/net",
    modules=("virtio_net",),
    upstream_name="virtio_net.c",
    home=Path(__file__).parent,
    source_file="virtio_net.c",
    upstream_patches="virtio_net.c",
    # Both patches carry upstream's hooks with one fix (see NOTES.md): in netmap
    # mode virtnet_open() used to return early, leaving the tx napi disabled and
    # the xdp rxq unregistered, so closing the netmap port hung for ever in
    # virtnet_close()'s napi_disable() (seen in doit vmtest, 6.1 and 6.12).
    patches=(
        # from upstream's 50b00--60500, with its rx hook first in virtnet_poll(); 6.1.178's
        # "virtio_net: disable cb when NAPI is busy-polled" (a stable backport) added
        # "if (budget) virtqueue_disable_cb()" there: one patch before it (Debian 12's
        # point-release 6.1.176, as bookworm without bookworm-security has it), one after
        Patch("patches/virtio_net-6.1.0.diff", since="6.1", until="6.1.178"),
        Patch("patches/virtio_net-6.1.diff", since="6.1.178", until="6.2"),
        # from upstream's 60c00--60f00 (which applies to 6.12.y only with fuzz 2)
        Patch("patches/virtio_net-6.12.diff", since="6.12", until="6.15"),
        # 7.3's patch re-made on 7.2's file: the same hunks, only the line numbers move
        # (verified on 7.2.12 only; no 6.15-7.1 sources here, so no patch claims them)
        Patch("patches/virtio_net-7.2.diff", since="7.2", until="7.3"),
        # upstream has none for 6.15 and later; 7.3's virtnet_open() no longer arms a
        # delayed refill and its napi helpers take the queue (verified on 7.3.4 only)
        Patch("patches/virtio_net-7.3.diff", since="7.3", until="7.4"),
    ),
    probes=PROBES,
)
