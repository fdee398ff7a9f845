"""Probes of sk_buff and its skb_* helpers, frags, VLAN tags, qdiscs and sockets.

Ported from upstream netmap's LINUX/configure at 89607e1406c1, in its order.
Each ``code`` is the heredoc body as the shell writes it (loops expanded), with
only the common leading indentation removed, so answers stay comparable with
upstream's compile by compile.
Some bodies indent with both tabs and spaces; they are kept as they are, hence
their ``noqa: E101``.
"""

from kernel_probes.record import Probe, ProbeSet, define, have

PROBES = ProbeSet(
    area="skbuff",
    probes=(
        Probe(
            "skb_copy_linear",
            note="skb_copy_to_linear_data, one of the 2.6.22 sk_buff accessor helpers",
            on_success=(have("SKB_COPY_LINEAR"),),
            code="""\
#include <linux/skbuff.h>

void dummy(struct sk_buff *skb, const void *from, const unsigned int len)
{
        skb_copy_to_linear_data(skb, from, len);
}
""",
        ),
        Probe(
            "queue_mapping",
            note="skb_get_queue_mapping, from the 2.6.2x tx multiqueue work",
            on_success=(have("QUEUE_MAPPING"),),
            code="""\
#include <linux/skbuff.h>

u16 dummy(const struct sk_buff *skb)
{
        return skb_get_queue_mapping(skb);
}
""",
        ),
        Probe(
            "sock_create_kern_netns",
            note="4.2 made sock_create_kern take the struct net * as first argument",
            on_success=(define("SOCK_CREATE_KERN_NETNS"),),
            code="""\
#include <net/sock.h>

int
dummy(void)
{
	struct net *net = NULL;
	return sock_create_kern(net, 0, 0, 0, NULL);
}
""",
        ),
        Probe(
            "napi_alloc_skb",
            note="napi_alloc_skb (3.19)",
            on_success=(have("NAPI_ALLOC_SKB"),),
            code="""\
#include <linux/skbuff.h>

struct sk_buff *
dummy(struct napi_struct *n, unsigned int l) {
	return napi_alloc_skb(n, l);
}
""",
        ),
        Probe(
            "alloc_skb_ip_align",
            note="netdev_alloc_skb_ip_align (2.6.3x)",
            on_success=(have("ALLOC_SKB_IP_ALIGN"),),
            code="""\
#include <linux/skbuff.h>

struct sk_buff *
dummy(struct net_device *n, unsigned int l) {
	return netdev_alloc_skb_ip_align(n, l);
}
""",
        ),
        Probe(
            "xmit_more",
            note="sk_buff.xmit_more (3.18; 5.2 replaced it with netdev_xmit_more())",
            on_success=(have("XMIT_MORE"),),
            code="""\
#include <linux/skbuff.h>

unsigned int
dummy(struct sk_buff *skb) {
	return skb->xmit_more;
}
""",
        ),
        Probe(
            "skb_add_rx_frag_6args",
            note="3.4 added the truesize argument to skb_add_rx_frag",
            on_success=(define("SKB_ADD_RX_FRAG_6ARGS"),),
            code="""\
#include <linux/skbuff.h>

void
dummy(struct sk_buff *skb, int i, struct page *p,
      int off, int size, int truesize)
{
	skb_add_rx_frag(skb, i, p, off, size, truesize);
}
""",
        ),
        Probe(
            "skb_frag_size",
            note="skb_frag_size accessor (3.2 skb_frag_t accessors)",
            on_success=(have("SKB_FRAG_SIZE"),),
            code="""\
#include <linux/skbuff.h>

unsigned int
dummy(const skb_frag_t *frag) {
	return skb_frag_size(frag);
}
""",
        ),
        Probe(
            "skb_frag_address",
            note="skb_frag_address accessor (early skb_frag_t accessor helpers)",
            on_success=(have("SKB_FRAG_ADDRESS"),),
            code="""\
#include <linux/skbuff.h>

void *
dummy(const skb_frag_t *frag) {
	return skb_frag_address(frag);
}
""",
        ),
        Probe(
            "skb_checksum_start_offset",
            note="skb_checksum_start_offset (3.x, checksum offload helpers)",
            on_success=(have("SKB_CHECKSUM_START_OFFSET"),),
            code="""\
#include <linux/skbuff.h>

int
dummy(const struct sk_buff *skb) {
	return skb_checksum_start_offset(skb);
}
""",
        ),
        Probe(
            "qdisc_enqueue_tofree",
            note="4.8 added the struct sk_buff **to_free argument to Qdisc enqueue",
            on_success=(have("QDISC_ENQUEUE_TOFREE"),),
            code="""\
#include <net/sch_generic.h>

int
dummy(struct sk_buff *skb, struct Qdisc *q, struct sk_buff **to_free) {
	return q->enqueue(skb, q, to_free);
}
""",
        ),
        Probe(
            "refcount_t",
            note="4.13 turned sk_buff.users (and Qdisc refcnt) from atomic_t into refcount_t",
            on_success=(have("REFCOUNT_T"),),
            code="""\
	#include <linux/skbuff.h>

	unsigned int
	dummy(struct sk_buff *skb) {
                return refcount_read(&skb->users);
	}
""",
        ),
        Probe(
            "qdisc_extack",
            note="4.16 added a netlink_ext_ack argument to Qdisc_ops.init",
            on_success=(have("QDISC_EXTACK"),),
            code="""\
  	#include <net/sch_generic.h>

	int
	dummy(struct Qdisc_ops *ops, struct netlink_ext_ack *extack) {
		return ops->init(NULL, NULL, extack);
	}
""",  # noqa: E101
        ),
        Probe(
            "nf_reset_ct",
            note="5.4 renamed nf_reset to nf_reset_ct",
            on_success=(have("NF_RESET_CT"),),
            code="""\
#include <linux/skbuff.h>

void dummy(struct sk_buff *skb) {
	nf_reset_ct(skb);
}
""",
        ),
        Probe(
            "skb_vlan_tag_present",
            note="skb_vlan_tag_present (3.19 renamed vlan_tx_tag_present)",
            on_success=(have("SKB_VLAN_TAG_PRESENT"),),
            code="""\
#include <linux/if_vlan.h>

int dummy(struct sk_buff *skb) {
	return skb_vlan_tag_present(skb);
}
""",
        ),
        Probe(
            "vlan_hwaccel_push_inside",
            note=(
                "__vlan_hwaccel_push_inside, which moves an offloaded VLAN tag into the packet "
                "(4.x)"
            ),
            on_success=(have("VLAN_HWACCEL_PUSH_INSIDE"),),
            code="""\
#include <linux/if_vlan.h>

struct sk_buff* dummy(struct sk_buff *skb) {
	return __vlan_hwaccel_push_inside(skb);
}
""",
        ),
        Probe(
            "skb_vlan_untag",
            note="skb_vlan_untag (3.x, renamed from vlan_untag)",
            on_success=(have("SKB_VLAN_UNTAG"),),
            code="""\
#include <linux/if_vlan.h>

struct sk_buff* dummy(struct sk_buff *skb) {
	return skb_vlan_untag(skb);
}
""",
        ),
    ),
)
