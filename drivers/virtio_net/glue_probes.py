"""virtio_net: the probes that netmap's virtio_netmap.h switches on (virtqueue calls and
virtio_net.c internals), the second half of the driver's set in upstream's order."""

from kernel_probes.record import Probe, define, have

PROBES: tuple[Probe, ...] = (
        Probe(
            "virtio_cb_delayed",
            note="virtqueue_enable_cb_delayed (3.x)",
            on_success=(define("VIRTIO_CB_DELAYED"),),
            driver="virtio_net",
            code="""\
#include <linux/virtio.h>

bool
dummy(struct virtqueue *vq) {
	return virtqueue_enable_cb_delayed(vq);
}
""",
        ),
        Probe(
            "virtio_get_vrsize",
            note="virtqueue_get_vring_size",
            on_success=(define("VIRTIO_GET_VRSIZE"),),
            driver="virtio_net",
            code="""\
#include <linux/virtio.h>

unsigned int
dummy(struct virtqueue *vq) {
	return virtqueue_get_vring_size(vq);
}
""",
        ),
        Probe(
            "virtio_free_pages",
            note="virtio_net.c has free_receive_bufs(vi)",
            on_success=(define("VIRTIO_FREE_PAGES"),),
            driver="virtio_net",
            code="""\
	#include "virtio_net.c"

  	void
  	dummy(struct virtnet_info *vi) {
  		free_receive_bufs(vi);
  	}
""",  # noqa: E101
        ),
        Probe(
            "virtio_functions",
            note="virtqueue_kick and the virtqueue_* functions that replaced the vq_ops table",
            on_success=(define("VIRTIO_FUNCTIONS"),),
            driver="virtio_net",
            code="""\
#include <linux/virtio.h>

void
dummy(struct virtqueue *vq) {
	(void)virtqueue_kick(vq);
}
""",
        ),
        # upstream's `for s in "" _gfp` loop: one probe per function name
        Probe(
            "virtio_add_buf",
            note=(
                "virtqueue_add_buf with a gfp argument (before 3.10 replaced it with "
                "virtqueue_add_sgs)"
            ),
            on_success=(define("VIRTIO_ADD_BUF", "virtqueue_add_buf"),),
            driver="virtio_net",
            code="""\
#include <linux/virtio.h>

int
dummy(struct virtqueue *vq, struct scatterlist sg[],
	unsigned int out_num, unsigned int in_num,
	void *data, gfp_t gfp)
{
	return virtqueue_add_buf(vq, sg, out_num, in_num, data, gfp);
}
""",
        ),
        Probe(
            "virtio_add_buf_gfp",
            note="virtqueue_add_buf_gfp, the older name of virtqueue_add_buf with gfp",
            on_success=(define("VIRTIO_ADD_BUF", "virtqueue_add_buf_gfp"),),
            driver="virtio_net",
            code="""\
#include <linux/virtio.h>

int
dummy(struct virtqueue *vq, struct scatterlist sg[],
	unsigned int out_num, unsigned int in_num,
	void *data, gfp_t gfp)
{
	return virtqueue_add_buf_gfp(vq, sg, out_num, in_num, data, gfp);
}
""",
        ),
        Probe(
            "virtio_multi_queue",
            note="virtio_net.c has per-queue receive_queue arrays (multiqueue virtio_net, 3.8)",
            on_success=(define("VIRTIO_MULTI_QUEUE"),),
            driver="virtio_net",
            code="""\
	#include "virtio_net.c"

  	struct virtqueue *
  	dummy(struct virtnet_info *vi) {
  		return vi->rq[0].vq;
  	}
""",  # noqa: E101
        ),
        Probe(
            "virtio_rq_num",
            note="virtio_net.c receive_queue has a num field",
            on_success=(define("VIRTIO_RQ_NUM"),),
            driver="virtio_net",
            code="""\
	#include "virtio_net.c"

  	int
  	dummy(struct virtnet_info *vi) {
  		return vi->rq[0].num;
  	}
""",  # noqa: E101
        ),
        Probe(
            "virtio_sg",
            note="virtnet_info has rx_sg (virtio_net before multiqueue)",
            on_success=(define("VIRTIO_SG"),),
            driver="virtio_net",
            code="""\
	#include "virtio_net.c"

  	struct scatterlist *
  	dummy(struct virtnet_info *vi) {
  		return vi->rx_sg;
  	}
""",  # noqa: E101
        ),
        Probe(
            "virtio_notify",
            note="virtqueue_notify",
            on_success=(define("VIRTIO_NOTIFY"),),
            driver="virtio_net",
            code="""\
#include <linux/virtio.h>

void
dummy(struct virtqueue *_vq) {
	(void)virtqueue_notify(_vq);
}
""",
        ),
        Probe(
            "get_link_ksettings",
            note="ethtool_ops.get_link_ksettings (4.6)",
            on_success=(have("GET_LINK_KSETTINGS"),),
            driver="virtio_net",
            code="""\
#include <linux/ethtool.h>

int
dummy(struct ethtool_ops *ops, struct ethtool_link_ksettings *l)
{
	return ops->get_link_ksettings(NULL, l);
}
""",
        ),
)
