"""virtio_net: driver-specific probes (see kernel_probes/drivers/__init__.py)."""

from kernel_probes.record import Probe, ProbeSet, define, have

PROBES = ProbeSet(
    area="virtio_net",
    probes=(
        # upstream sets DRIVERTEST empty here: these probes build in the main batch, but only
        # when virtio_net.c is enabled.  ${VNETDIR} is expanded as for the kernel's own
        # virtio_net.c (empty); upstream's external download would make it 'virtio_net.c/'
        Probe(
            "virtio_net_hdr_from_skb_5args",
            note="virtio_net_hdr_from_skb with both has_data_valid and vlan_hlen (4.1x)",
            on_success=(define("VIRTIO_NET_HDR_FROM_SKB_5ARGS"),),
            driver="virtio_net",
            code="""\
#include <linux/virtio_net.h>

int
dummy(const struct sk_buff *skb, struct virtio_net_hdr *hdr,
	bool little_endian, bool has_data_valid, int vlan_hlen) {
	return virtio_net_hdr_from_skb(skb, hdr, little_endian,
				has_data_valid, vlan_hlen);
}
""",
        ),
        Probe(
            "virtio_net_hdr_from_skb_4args",
            note="virtio_net_hdr_from_skb with has_data_valid but no vlan_hlen (4.1x)",
            on_success=(define("VIRTIO_NET_HDR_FROM_SKB_4ARGS"),),
            driver="virtio_net",
            code="""\
#include <linux/virtio_net.h>

int
dummy(const struct sk_buff *skb, struct virtio_net_hdr *hdr,
	bool little_endian, bool has_data_valid) {
	return virtio_net_hdr_from_skb(skb, hdr, little_endian,
				has_data_valid);
}
""",
        ),
        Probe(
            "virtio_net_hdr_from_skb_3args",
            note="virtio_net_hdr_from_skb(skb, hdr, little_endian), its first form (4.9)",
            on_success=(define("VIRTIO_NET_HDR_FROM_SKB_3ARGS"),),
            driver="virtio_net",
            code="""\
#include <linux/virtio_net.h>

int
dummy(const struct sk_buff *skb, struct virtio_net_hdr *hdr,
	bool little_endian) {
	return virtio_net_hdr_from_skb(skb, hdr, little_endian);
}
""",
        ),
        Probe(
            "find_vqs_ctx_arg",
            note="virtio_config_ops.find_vqs with the ctx argument (4.12)",
            on_success=(have("FIND_VQS_CTX_ARG"),),
            driver="virtio_net",
            code="""\
#include <linux/virtio_config.h>

int
dummy(struct virtio_config_ops *ops, const bool *ctx,
	struct irq_affinity *desc)
{
	return ops->find_vqs(NULL, 0, NULL, NULL, NULL,
				ctx, desc);
}
""",
        ),
        Probe(
            "find_vqs_irqaff_arg",
            note="virtio_config_ops.find_vqs with the irq_affinity argument but no ctx (4.11)",
            on_success=(have("FIND_VQS_IRQAFF_ARG"),),
            driver="virtio_net",
            code="""\
#include <linux/virtio_config.h>

int
dummy(struct virtio_config_ops *ops, struct irq_affinity *desc)
{
	return ops->find_vqs(NULL, 0, NULL, NULL, NULL,
				desc);
}
""",
        ),
        Probe(
            "virtio_byteorder",
            note="linux/virtio_byteorder.h, from the virtio 1.0 endianness work (3.19)",
            on_success=(have("VIRTIO_BYTEORDER"),),
            driver="virtio_net",
            code="""\
#include <linux/virtio_byteorder.h>

u16
dummy(bool little_endian, __virtio16 val)
{
	return __virtio16_to_cpu(little_endian, val);
}
""",
        ),
        Probe(
            "virtio_is_little_endian",
            note="virtio_is_little_endian (virtio 1.0 support)",
            on_success=(have("VIRTIO_IS_LITTLE_ENDIAN"),),
            driver="virtio_net",
            code="""\
#include <linux/virtio_config.h>

bool
dummy(struct virtio_device *vdev)
{
	return virtio_is_little_endian(vdev);
}
""",
        ),
        Probe(
            "virtio_memory_accessors",
            note="virtio16_to_cpu and the other virtio 1.0 memory accessors",
            on_success=(have("VIRTIO_MEMORY_ACCESSORS"),),
            driver="virtio_net",
            code="""\
#include <linux/virtio_config.h>

u16
dummy(struct virtio_device *vdev)
{
	return virtio16_to_cpu(vdev, 0);
}
""",
        ),
        Probe(
            "virtio_driver_feature_table_legacy",
            note="virtio_driver.feature_table_legacy (virtio 1.0 support)",
            on_success=(have("VIRTIO_DRIVER_FEATURE_TABLE_LEGACY"),),
            driver="virtio_net",
            code="""\
#include <linux/virtio.h>

bool
dummy(struct virtio_driver *vdr)
{
	return vdr->feature_table_legacy != NULL;
}
""",
        ),
        Probe(
            "virtio_device_ready",
            note="virtio_device_ready (3.19)",
            on_success=(have("VIRTIO_DEVICE_READY"),),
            driver="virtio_net",
            code="""\
#include <linux/virtio_config.h>

void
dummy(struct virtio_device *vdev)
{
	virtio_device_ready(vdev);
}
""",
        ),
        Probe(
            "virtqueue_is_broken",
            note="virtqueue_is_broken (3.1x)",
            on_success=(have("VIRTQUEUE_IS_BROKEN"),),
            driver="virtio_net",
            code="""\
#include <linux/virtio.h>

bool
dummy(struct virtqueue *vq)
{
	return virtqueue_is_broken(vq);
}
""",
        ),
        Probe(
            "skb_coalesce_rx_frag",
            note="skb_coalesce_rx_frag (3.1x, used by virtio_net's mergeable buffers)",
            on_success=(have("SKB_COALESCE_RX_FRAG"),),
            driver="virtio_net",
            code="""\
#include <linux/skbuff.h>

void
dummy(struct sk_buff *skb, int i, int size,
	unsigned int truesize)
{
	skb_coalesce_rx_frag(skb, i, size, truesize);
}
""",
        ),
        Probe(
            "virtio_config_accessors",
            note="virtio_cread16 and the typed config space accessors (3.1x)",
            on_success=(have("VIRTIO_CONFIG_ACCESSORS"),),
            driver="virtio_net",
            code="""\
#include <linux/virtio_config.h>

u16
dummy(struct virtio_device *vdev, unsigned int offset)
{
	return virtio_cread16(vdev, offset);
}
""",
        ),
        Probe(
            "u64_stats_init",
            note="u64_stats_init (3.13, lockdep-aware u64_stats_sync)",
            on_success=(have("U64_STATS_INIT"),),
            driver="virtio_net",
            code="""\
#include <linux/u64_stats_sync.h>

void
dummy(struct u64_stats_sync *syncp)
{
	u64_stats_init(syncp);
}
""",
        ),
        Probe(
            "napi_hash_del",
            note="napi_hash_del, removed in 5.x once netif_napi_del took care of it",
            on_success=(have("NAPI_HASH_DEL"),),
            driver="virtio_net",
            code="""\
#include <linux/netdevice.h>

void
dummy(struct napi_struct *napi)
{
	napi_hash_del(napi);
}
""",
        ),
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
    ),
)
