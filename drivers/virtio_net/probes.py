"""virtio_net: driver-specific probes (see drivers/__init__.py)."""

from drivers.virtio_net import glue_probes
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
        # then what virtio_netmap.h itself switches on (glue_probes.py)
        *glue_probes.PROBES,
    ),
)
