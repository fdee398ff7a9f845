"""Driver-specific probes: they build against a driver's copied sources (or, for
virtio_net.c, test APIs only that driver uses) and run only when that driver is
selected.  Keyed by our driver names (upstream's ``r8169.c`` is ``realtek``,
``virtio_net.c`` is ``virtio_net``).

Ported from upstream netmap's LINUX/configure at 89607e1406c1, in its order.
Each ``code`` is the heredoc body as the shell writes it (loops expanded), with
only the common leading indentation removed, so answers stay comparable with
upstream's compile by compile; the one exception is realtek's include (see there).
Some bodies indent with both tabs and spaces; they are kept as they are, hence
their ``noqa: E101``.
"""

from kernel_probes.record import Probe, ProbeSet, SourceGrep, define, have

DRIVER_PROBES: dict[str, ProbeSet] = {
    "e1000e": ProbeSet(
        area="e1000e",
        probes=(
            Probe(
                "e1000e_hwaddr",
                note=(
                    "e1000e ring->tail is a register offset added to hw.hw_addr (older driver) "
                    "rather than an __iomem pointer"
                ),
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
                note="e1000e_down takes a second (reset) argument",
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
            # upstream runs `grep -q '\<e1000_rx_desc_extended\>' $TMPDIR/e1000e/netdev.c && have
            # E1000E_EXT_RXDESC` as the success action of an empty test; path is relative to the
            # probe dir
            SourceGrep(
                "e1000e_ext_rxdesc",
                path="e1000e/netdev.c",
                word="e1000_rx_desc_extended",
                note=(
                    "e1000e's netdev.c uses extended rx descriptors (union e1000_rx_desc_extended)"
                ),
                on_success=(have("E1000E_EXT_RXDESC"),),
                driver="e1000e",
            ),
        ),
    ),
    "realtek": ProbeSet(
        area="realtek",
        probes=(
            # upstream includes "r8169.c", which no kernel since 5.x has (the driver became
            # drivers/net/ethernet/realtek/r8169_main.c), and runs these in the e1000e batch;
            # here they belong to the realtek driver and include its real source
            Probe(
                "rtl_open",
                note=(
                    "r8169's open routine is rtl8169_open in older drivers, rtl_open in newer ones"
                ),
                on_success=(define("RTL_OPEN", "rtl8169_open"),),
                on_failure=(define("RTL_OPEN", "rtl_open"),),
                driver="realtek",
                code="""\
#include "realtek/r8169_main.c"

static int dummy(struct net_device *dev) {
	return rtl8169_open(dev);
}
""",
            ),
            Probe(
                "rtl_wfq",
                note="r8169 has rtl8169_wait_for_quiescence (older drivers)",
                on_success=(have("RTL_WFQ"),),
                driver="realtek",
                code="""\
#include "realtek/r8169_main.c"

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
                note="IXGBE_TX_DESC_ADV takes the ring structure itself (oldest ixgbe)",
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
                note="IXGBE_TX_DESC_ADV takes a ring pointer",
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
                note="IXGBE_TX_DESC, the descriptor macro once the _ADV suffix was dropped",
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
                note="ixgbe adapter->tx_ring is an array of ring pointers, not of rings",
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
                note="ixgbe_main.c has ixgbe_irq_disable_queues",
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
                note="ixgbe rings have next_to_alloc",
                on_success=(define("IXGBE_HAVE_NTA"),),
                driver="ixgbe",
                code="""\
  	#include "ixgbe/ixgbe.h"

	u16
	dummy(struct ixgbe_ring *ring) {
		return ring->next_to_alloc;
	}
""",  # noqa: E101
            ),
            Probe(
                "ixgbe_rx_bufsz",
                note="ixgbe has the ixgbe_rx_bufsz() helper",
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
                note=(
                    "ixgbe adapter->state works with test_and_set_bit (configure: 'state bitmap or"
                    " unsigned long?')"
                ),
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
            # upstream's success action is `true`: only failure defines a macro
            Probe(
                "ixgbevf_ixgbe_macros",
                note=(
                    "ixgbevf descriptor macros are IXGBEVF_RX_DESC and friends; older drivers only"
                    " have IXGBE_*"
                ),
                on_failure=(define("IXGBEVF_IXGBE_MACROS"),),
                driver="ixgbevf",
                code="""\
  	#include "ixgbevf/ixgbevf.h"

	void *
	dummy(struct ixgbevf_ring *ring, unsigned int i)
	{
		return IXGBEVF_RX_DESC(ring, i);
	}
""",  # noqa: E101
            ),
            Probe(
                "ixgbevf_ptr_array",
                note="ixgbevf adapter->tx_ring is an array of ring pointers, not of rings",
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
                note="ixgbevf rings have next_to_alloc",
                on_success=(define("IXGBEVF_HAVE_NTA"),),
                driver="ixgbevf",
                code="""\
  	#include "ixgbevf/ixgbevf.h"

	u16
	dummy(struct ixgbevf_ring *ring) {
		return ring->next_to_alloc;
	}
""",  # noqa: E101
            ),
        ),
    ),
    "virtio_net": ProbeSet(
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
    ),
    "i40e": ProbeSet(
        area="i40e",
        probes=(
            # upstream's `add_test_flags -I\$M/i40e` (and -I\$M/ice below) becomes -I$(src)/...:
            # kbuild's $(src) is the module (M=) dir, the one make's $M names there
            Probe(
                "i40e_ptr_array",
                note="i40e vsi->tx_rings is an array of ring pointers",
                on_success=(define("I40E_PTR_ARRAY"),),
                cflags=("-I$(src)/i40e",),
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
                note=(
                    "i40e pf->state is a plain unsigned long, not a DECLARE_BITMAP (pointer "
                    "mismatch made an error)"
                ),
                on_success=(define("I40E_PTR_STATE"),),
                cflags=("-I$(src)/i40e",),
                driver="i40e",
                code="""\
   	#include "i40e/i40e.h"
	#include <linux/bitops.h>
	#pragma GCC diagnostic error "-Wincompatible-pointer-types"

	int
	dummy(struct i40e_pf *pf) {
		return test_and_set_bit(1, &pf->state);
	}
""",  # noqa: E101
            ),
        ),
    ),
    "ice": ProbeSet(
        area="ice",
        probes=(
            Probe(
                "ice_xrings",
                note="ice split struct ice_ring into ice_tx_ring and ice_rx_ring",
                on_success=(have("ICE_XRINGS"),),
                cflags=("-I$(src)/ice",),
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
                note="ice's VSI state enum has ICE_VSI_DOWN (renamed from __ICE_DOWN)",
                on_success=(have("ICE_VSI_DOWN"),),
                cflags=("-I$(src)/ice",),
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
                note="igb_rd32 declared in igb/e1000_regs.h",
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
                note="igb rings have next_to_alloc",
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
                note="igb adapter->state is a plain unsigned long used with clear_bit",
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
            # added after END_TESTS, once config.h is started, yet still part of the same run_tests
            Probe(
                "vmxnet3_static_rq_create",
                note=(
                    "vmxnet3_int.h does not declare vmxnet3_rq_create_all, so a static one can be "
                    "defined"
                ),
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
