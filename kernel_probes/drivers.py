"""Driver-specific probes: they compile against a driver's copied sources and run
only when that driver is selected.

Ported from upstream netmap's LINUX/configure at 89607e1406c1.  Upstream tests
the r8169 probes inside its e1000e block; here each driver owns its own.
"""

from kernel_probes.record import Probe, ProbeSet, SourceGrep, define, have

DRIVER_PROBES: dict[str, ProbeSet] = {
    "e1000e": ProbeSet(
        area="e1000e",
        probes=(
            Probe(
                "e1000e_hwaddr",
                note="e1000e: driver-specific API (E1000E_HWADDR)",
                on_success=(have("E1000E_HWADDR"),),
                driver="e1000e",
                code="""\
#include "e1000e/e1000.h"

void* dummy(struct e1000_adapter *adapter,
        struct e1000_ring *ring)
{
        return adapter->hw.hw_addr + ring->tail;
}
""",
            ),
            Probe(
                "e1000e_down2",
                note="e1000e: driver-specific API (E1000E_DOWN2)",
                on_success=(have("E1000E_DOWN2"),),
                driver="e1000e",
                code="""\
#include "e1000e/e1000.h"

void dummy(struct e1000_adapter *adapter)
{
        e1000e_down(adapter, false);
}
""",
            ),
            SourceGrep(
                "e1000e_ext_rxdesc",
                path="e1000e/netdev.c",
                word="e1000_rx_desc_extended",
                note="e1000e: extended rx descriptors (upstream greps netdev.c for the type)",
                on_success=(have("E1000E_EXT_RXDESC"),),
                driver="e1000e",
            ),
        ),
    ),
    "realtek": ProbeSet(
        area="realtek",
        probes=(
            Probe(
                "rtl_open_rtl8169_open",
                note="realtek: driver-specific API (RTL_OPEN_RTL8169_OPEN)",
                on_success=(define("RTL_OPEN", "rtl8169_open"),),
                on_failure=(define("RTL_OPEN", "rtl_open"),),
                driver="realtek",
                code="""\
#include "r8169.c"

static int dummy(struct net_device *dev) {
        return rtl8169_open(dev);
}
""",
            ),
            Probe(
                "rtl_wfq",
                note="realtek: driver-specific API (RTL_WFQ)",
                on_success=(have("RTL_WFQ"),),
                driver="realtek",
                code="""\
#include "r8169.c"

static void dummy(struct net_device *dev) {
        rtl8169_wait_for_quiescence(dev);
}
""",
            ),
        ),
    ),
    "ixgbe": ProbeSet(
        area="ixgbe",
        probes=(
            Probe(
                "ixgbe_desc_1",
                note="ixgbe: different versions of IXGBE_?X_DESC",
                on_success=(define("IXGBE_DESC", "1"),),
                driver="ixgbe",
                code="""\
#include "ixgbe/ixgbe.h"

union ixgbe_adv_tx_desc *
dummy(struct ixgbe_ring *ring) {
        return IXGBE_TX_DESC_ADV(*ring, 0);
}
""",
            ),
            Probe(
                "ixgbe_desc_2",
                note="ixgbe: driver-specific API (IXGBE_DESC_2)",
                on_success=(define("IXGBE_DESC", "2"),),
                driver="ixgbe",
                code="""\
#include "ixgbe/ixgbe.h"

union ixgbe_adv_tx_desc *
dummy(struct ixgbe_ring *ring) {
        return IXGBE_TX_DESC_ADV(ring, 0);
}
""",
            ),
            Probe(
                "ixgbe_desc_3",
                note="ixgbe: driver-specific API (IXGBE_DESC_3)",
                on_success=(define("IXGBE_DESC", "3"),),
                driver="ixgbe",
                code="""\
#include "ixgbe/ixgbe.h"

union ixgbe_adv_tx_desc *
dummy(struct ixgbe_ring *ring) {
        return IXGBE_TX_DESC(ring, 0);
}
""",
            ),
            Probe(
                "ixgbe_ptr_array",
                note="ixgbe: array of rings or array of poiners to rings?",
                on_success=(define("IXGBE_PTR_ARRAY"),),
                driver="ixgbe",
                code="""\
#include "ixgbe/ixgbe.h"

struct ixgbe_ring *
dummy(struct ixgbe_adapter *adapter) {
        return adapter->tx_ring[0];
}
""",
            ),
            Probe(
                "ixgbe_have_disable",
                note="ixgbe: is ixgbe_irq_disable_queues available?",
                on_success=(define("IXGBE_HAVE_DISABLE"),),
                driver="ixgbe",
                code="""\
#include "ixgbe/ixgbe_main.c"

void
dummy(struct ixgbe_adapter *adapter, u64 qmask) {
       ixgbe_irq_disable_queues(adapter, qmask);
}
""",
            ),
            Probe(
                "ixgbe_have_nta",
                note="ixgbe: is next_to_alloc defined?",
                on_success=(define("IXGBE_HAVE_NTA"),),
                driver="ixgbe",
                code="""\
#include "ixgbe/ixgbe.h"

u16
dummy(struct ixgbe_ring *ring) {
        return ring->next_to_alloc;
}
""",
            ),
            Probe(
                "ixgbe_rx_bufsz",
                note="ixgbe: driver-specific API (IXGBE_RX_BUFSZ)",
                on_success=(have("IXGBE_RX_BUFSZ"),),
                driver="ixgbe",
                code="""\
#include "ixgbe/ixgbe.h"

unsigned int
dummy(struct ixgbe_ring *ring) {
        return ixgbe_rx_bufsz(ring);
}
""",
            ),
            Probe(
                "ixgbe_state_bitmap",
                note="ixgbe: state bitmap or unsigned long?",
                on_success=(have("IXGBE_STATE_BITMAP"),),
                driver="ixgbe",
                code="""\
#include "ixgbe/ixgbe.h"
int dummy(struct ixgbe_adapter *adapter) {
        return test_and_set_bit(0, &adapter->state);
}
""",
            ),
        ),
    ),
    "ixgbevf": ProbeSet(
        area="ixgbevf",
        probes=(
            Probe(
                "ixgbevf_ixgbe_macros",
                note="ixgbevf: IXGBEVF_* or IXGBE_*?",
                on_failure=(define("IXGBEVF_IXGBE_MACROS"),),
                driver="ixgbevf",
                code="""\
#include "ixgbevf/ixgbevf.h"

void *
dummy(struct ixgbevf_ring *ring, unsigned int i)
{
        return IXGBEVF_RX_DESC(ring, i);
}
""",
            ),
            Probe(
                "ixgbevf_ptr_array",
                note="ixgbevf: array of rings or array of poiners to rings?",
                on_success=(define("IXGBEVF_PTR_ARRAY"),),
                driver="ixgbevf",
                code="""\
#include "ixgbevf/ixgbevf.h"

struct ixgbevf_ring *
dummy(struct ixgbevf_adapter *adapter) {
        return adapter->tx_ring[0];
}
""",
            ),
            Probe(
                "ixgbevf_have_nta",
                note="ixgbevf: is next_to_alloc defined?",
                on_success=(define("IXGBEVF_HAVE_NTA"),),
                driver="ixgbevf",
                code="""\
#include "ixgbevf/ixgbevf.h"

u16
dummy(struct ixgbevf_ring *ring) {
        return ring->next_to_alloc;
}
""",
            ),
        ),
    ),
    "virtio_net": ProbeSet(
        area="virtio_net",
        probes=(
            Probe(
                "virtio_net_hdr_from_skb_5args",
                note="virtio_net: driver-specific API (VIRTIO_NET_HDR_FROM_SKB_5ARGS)",
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
                note="virtio_net: driver-specific API (VIRTIO_NET_HDR_FROM_SKB_4ARGS)",
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
                note="virtio_net: driver-specific API (VIRTIO_NET_HDR_FROM_SKB_3ARGS)",
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
                note="virtio_net: driver-specific API (FIND_VQS_CTX_ARG)",
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
                note="virtio_net: driver-specific API (FIND_VQS_IRQAFF_ARG)",
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
                note="virtio_net: driver-specific API (VIRTIO_BYTEORDER)",
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
                note="virtio_net: driver-specific API (VIRTIO_IS_LITTLE_ENDIAN)",
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
                note="virtio_net: driver-specific API (VIRTIO_MEMORY_ACCESSORS)",
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
                note="virtio_net: driver-specific API (VIRTIO_DRIVER_FEATURE_TABLE_LEGACY)",
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
                note="virtio_net: driver-specific API (VIRTIO_DEVICE_READY)",
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
                note="virtio_net: driver-specific API (VIRTQUEUE_IS_BROKEN)",
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
                note="virtio_net: driver-specific API (SKB_COALESCE_RX_FRAG)",
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
                note="virtio_net: driver-specific API (VIRTIO_CONFIG_ACCESSORS)",
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
                note="virtio_net: driver-specific API (U64_STATS_INIT)",
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
                note="virtio_net: driver-specific API (NAPI_HASH_DEL)",
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
                note="virtio_net: driver-specific API (VIRTIO_CB_DELAYED)",
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
                note="virtio_net: driver-specific API (VIRTIO_GET_VRSIZE)",
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
                note="virtio_net: driver-specific API (VIRTIO_FREE_PAGES)",
                on_success=(define("VIRTIO_FREE_PAGES"),),
                driver="virtio_net",
                code="""\
#include "virtio_net.c"

void
dummy(struct virtnet_info *vi) {
        free_receive_bufs(vi);
}
""",
            ),
            Probe(
                "virtio_functions",
                note="virtio_net: driver-specific API (VIRTIO_FUNCTIONS)",
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
            Probe(
                "virtio_add_buf_virtqueue_add_buf",
                note="virtio_net: driver-specific API (VIRTIO_ADD_BUF_VIRTQUEUE_ADD_BUF)",
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
                "virtio_add_buf_virtqueue_add_buf_gfp",
                note="virtio_net: driver-specific API (VIRTIO_ADD_BUF_VIRTQUEUE_ADD_BUF_GFP)",
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
                note="virtio_net: driver-specific API (VIRTIO_MULTI_QUEUE)",
                on_success=(define("VIRTIO_MULTI_QUEUE"),),
                driver="virtio_net",
                code="""\
#include "virtio_net.c"

struct virtqueue *
dummy(struct virtnet_info *vi) {
        return vi->rq[0].vq;
}
""",
            ),
            Probe(
                "virtio_rq_num",
                note="virtio_net: driver-specific API (VIRTIO_RQ_NUM)",
                on_success=(define("VIRTIO_RQ_NUM"),),
                driver="virtio_net",
                code="""\
#include "virtio_net.c"

int
dummy(struct virtnet_info *vi) {
        return vi->rq[0].num;
}
""",
            ),
            Probe(
                "virtio_sg",
                note="virtio_net: driver-specific API (VIRTIO_SG)",
                on_success=(define("VIRTIO_SG"),),
                driver="virtio_net",
                code="""\
#include "virtio_net.c"

struct scatterlist *
dummy(struct virtnet_info *vi) {
        return vi->rx_sg;
}
""",
            ),
            Probe(
                "virtio_notify",
                note="virtio_net: driver-specific API (VIRTIO_NOTIFY)",
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
                note="virtio_net: driver-specific API (GET_LINK_KSETTINGS)",
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
    ),
    "i40e": ProbeSet(
        area="i40e",
        probes=(
            Probe(
                "i40e_ptr_array",
                note="i40e: driver-specific API (I40E_PTR_ARRAY)",
                on_success=(define("I40E_PTR_ARRAY"),),
                cflags=("-I$(M)/i40e",),
                driver="i40e",
                code="""\
#include "i40e/i40e.h"

struct i40e_ring *
dummy(struct i40e_vsi *vsi) {
        return vsi->tx_rings[0];
}
""",
            ),
            Probe(
                "i40e_ptr_state",
                note="i40e: driver-specific API (I40E_PTR_STATE)",
                on_success=(define("I40E_PTR_STATE"),),
                cflags=("-I$(M)/i40e",),
                driver="i40e",
                code="""\
#include "i40e/i40e.h"
#include <linux/bitops.h>
#pragma GCC diagnostic error "-Wincompatible-pointer-types"

int
dummy(struct i40e_pf *pf) {
        return test_and_set_bit(1, &pf->state);
}
""",
            ),
        ),
    ),
    "ice": ProbeSet(
        area="ice",
        probes=(
            Probe(
                "ice_xrings",
                note="ice: driver-specific API (ICE_XRINGS)",
                on_success=(have("ICE_XRINGS"),),
                cflags=("-I$(M)/ice",),
                driver="ice",
                code="""\
#include "ice/ice.h"

struct ice_tx_ring *
dummy1(struct ice_vsi *vsi) {
        return vsi->tx_rings[0];
}
struct ice_rx_ring *
dummy2(struct ice_vsi *vsi) {
        return vsi->rx_rings[0];
}
""",
            ),
            Probe(
                "ice_vsi_down",
                note="ice: driver-specific API (ICE_VSI_DOWN)",
                on_success=(have("ICE_VSI_DOWN"),),
                cflags=("-I$(M)/ice",),
                driver="ice",
                code="""\
#include "ice/ice.h"

enum ice_vsi_state dummy(void) {
        return ICE_VSI_DOWN;
}
""",
            ),
        ),
    ),
    "igb": ProbeSet(
        area="igb",
        probes=(
            Probe(
                "igb_rd32",
                note="igb: driver-specific API (IGB_RD32)",
                on_success=(have("IGB_RD32"),),
                driver="igb",
                code="""\
#include "igb/e1000_regs.h"

u32
dummy(struct e1000_hw *hw, u32 reg) {
        return igb_rd32(hw, reg);
}
""",
            ),
            Probe(
                "igb_nta",
                note="igb: driver-specific API (IGB_NTA)",
                on_success=(have("IGB_NTA"),),
                driver="igb",
                code="""\
#include "igb/igb.h"

unsigned int
dummy(struct igb_ring *ring) {
         return ring->next_to_alloc;
}
""",
            ),
            Probe(
                "igb_state_indir",
                note="igb: driver-specific API (IGB_STATE_INDIR)",
                on_success=(have("IGB_STATE_INDIR"),),
                driver="igb",
                code="""\
#include "igb/igb.h"

void dummy(struct igb_adapter *adapter) {
        clear_bit(0, &adapter->state);
}
""",
            ),
        ),
    ),
    "vmxnet3": ProbeSet(
        area="vmxnet3",
        probes=(
            Probe(
                "vmxnet3_static_rq_create",
                note="vmxnet3: driver-specific API (VMXNET3_STATIC_RQ_CREATE)",
                on_success=(have("VMXNET3_STATIC_RQ_CREATE"),),
                driver="vmxnet3",
                code="""\
#include "vmxnet3/vmxnet3_int.h"

static int vmxnet3_rq_create_all(struct vmxnet3_adapter *adapter) {
        (void)adapter;
        return 0;
}
int dummy(struct vmxnet3_adapter *adapter) {
        return vmxnet3_rq_create_all(adapter);
}
""",
            ),
        ),
    ),
}
