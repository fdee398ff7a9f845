"""Probes of sk_buff helpers, frags, qdiscs and sockets.

Ported from upstream netmap's LINUX/configure at 89607e1406c1, in its order;
the C text is upstream's, so answers stay comparable compile by compile.
"""

from kernel_probes.record import Probe, ProbeSet, define, have

PROBES = ProbeSet(
    area="skbuff",
    probes=(
        Probe(
            "netif_rx_ni",
            note="netif_rx_ni() (5.18 removed it: netif_rx() works in any context)",
            on_success=(have("NETIF_RX_NI"),),
            code="""\
#include <linux/skbuff.h>

void dummy(struct sk_buff *skb)
{
    netif_rx_ni(skb);
}
""",
        ),
        Probe(
            "skb_copy_linear",
            note="skb_copy_to_linear_data() (2.6.22)",
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
            note="skb_get_queue_mapping() (2.6.24)",
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
            note="sock_create_kern() takes a struct net * first (4.2)",
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
            note="napi_alloc_skb() (3.19)",
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
            note="netdev_alloc_skb_ip_align() (2.6.33)",
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
            note="skb_add_rx_frag() takes truesize, 6 arguments (3.4)",
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
            note="skb_frag_size() accessor (3.2)",
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
            note="skb_frag_address() (2.6.37)",
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
            note="skb_checksum_start_offset() (3.2)",
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
            note="Qdisc enqueue takes a to_free list, 3 arguments (4.8)",
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
            note="skb->users and qdisc refcounts became refcount_t (4.13)",
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
            note="Qdisc_ops.init takes a netlink_ext_ack (4.16)",
            on_success=(have("QDISC_EXTACK"),),
            code="""\
#include <net/sch_generic.h>

int
dummy(struct Qdisc_ops *ops, struct netlink_ext_ack *extack) {
        return ops->init(NULL, NULL, extack);
}
""",
        ),
        Probe(
            "nf_reset_ct",
            note="nf_reset() was renamed nf_reset_ct() (5.4)",
            on_success=(have("NF_RESET_CT"),),
            code="""\
#include <linux/skbuff.h>

void dummy(struct sk_buff *skb) {
        nf_reset_ct(skb);
}
""",
        ),
    ),
)
