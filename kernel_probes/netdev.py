"""Probes of net_device, netif_*, napi, notifiers, alloc_netdev, netdev features
and network namespaces (the ops callbacks are in netdev_ops.py).

Ported from upstream netmap's LINUX/configure at 89607e1406c1, in its order.
Each ``code`` is the heredoc body as the shell writes it (loops expanded), with
only the common leading indentation removed, so answers stay comparable with
upstream's compile by compile.
Some bodies indent with both tabs and spaces; they are kept as they are, hence
their ``noqa: E101``.
"""

from kernel_probes.record import Probe, ProbeSet, define, have

PROBES = ProbeSet(
    area="netdev",
    probes=(
        Probe(
            "ax25_ptr",
            note=(
                "net_device.ax25_ptr (present with CONFIG_AX25) is there for netmap to borrow as "
                "its adapter pointer"
            ),
            on_success=(have("AX25PTR"),),
            code="""\
#include <linux/netdevice.h>

extern struct netmap_adapter *na;
void dummy(struct net_device *dev)
{
	dev->ax25_ptr = na;
}
""",
        ),
        Probe(
            "rx_register",
            note=(
                "netdev_rx_handler_register (2.6.36) lets the generic adapter intercept received "
                "packets"
            ),
            on_success=(have("RX_REGISTER"),),
            code="""\
#include <linux/netdevice.h>

int dummy(void)
{
        return netdev_rx_handler_register(NULL, NULL, NULL);
}
""",
        ),
        Probe(
            "rx_handler_result",
            note="2.6.39 made rx_handlers take struct sk_buff ** and return rx_handler_result_t",
            on_success=(have("RX_HANDLER_RESULT"),),
            code="""\
#include <linux/netdevice.h>


static rx_handler_result_t dummy_rx_handler(struct sk_buff **pm)
{
        (void)pm;
        return RX_HANDLER_PASS;
}

int dummy(void)
{
        return netdev_rx_handler_register(NULL, dummy_rx_handler, NULL);
}
""",
        ),
        # upstream's `for n in 2 3 4` loop: one probe per argument count, params grows by NULL
        Probe(
            "pernet_ops_id",
            note=(
                "pernet_operations.id, the automatic net_generic() slot for per-namespace data "
                "(2.6.33)"
            ),
            on_success=(have("PERNET_OPS_ID"),),
            code="""\
#include <net/net_namespace.h>

int *
dummy(struct pernet_operations *ops) {
	return ops->id;
}
""",
        ),
        Probe(
            "real_num_rx_queues",
            note="net_device.real_num_rx_queues (2.6.37, with the RPS rx queue work)",
            on_success=(have("REAL_NUM_RX_QUEUES"),),
            code="""\
#include <linux/netdevice.h>

unsigned int
dummy(struct net_device *net)
{
    return net->real_num_rx_queues;
}
""",
        ),
        Probe(
            "num_rx_queues",
            note="net_device.num_rx_queues (2.6.35, RPS added multiple rx queues)",
            on_success=(have("NUM_RX_QUEUES"),),
            code="""\
#include <linux/netdevice.h>

unsigned int
dummy(struct net_device *net)
{
    return net->num_rx_queues;
}
""",
        ),
        Probe(
            "set_real_num_tx_queues",
            note=(
                "netif_set_real_num_tx_queues exists (configure's comment says rx, the code tests "
                "tx)"
            ),
            on_success=(have("SET_REAL_NUM_TX_QUEUES"),),
            code="""\
#include <linux/netdevice.h>

int
dummy(struct net_device *net, unsigned int txq)
{
    return netif_set_real_num_tx_queues(net, txq);
}
""",
        ),
        Probe(
            "netif_rx_ni",
            note="netif_rx_ni, removed in 5.18 once netif_rx could be called from any context",
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
            "init_net",
            note="init_net and namespace-aware dev_get_by_name (2.6.24 network namespaces)",
            on_success=(have("INIT_NET"),),
            code="""\
#include <linux/netdevice.h>

struct net_device *
dummy(const char *name)
{
        return dev_get_by_name(&init_net, name);
}
""",
        ),
        Probe(
            "live_addr_change",
            note=(
                "IFF_LIVE_ADDR_CHANGE private flag (3.x): the MAC address may change while the "
                "device is up"
            ),
            on_success=(have("LIVE_ADDR_CHANGE"),),
            code="""\
#include <linux/netdevice.h>

int dummy = IFF_LIVE_ADDR_CHANGE;
""",
        ),
        Probe(
            "tx_skb_sharing",
            note=(
                "IFF_TX_SKB_SHARING private flag (3.x): the driver accepts shared skbs, as pktgen "
                "sends"
            ),
            on_success=(have("TX_SKB_SHARING"),),
            code="""\
#include <linux/netdevice.h>

int dummy = IFF_TX_SKB_SHARING;
""",
        ),
        Probe(
            "hw_features",
            note="net_device.hw_features (2.6.39 netdev features rework)",
            on_success=(have("HW_FEATURES"),),
            code="""\
#include <linux/netdevice.h>

unsigned int dummy(struct net_device *n) {
	return n->hw_features;
}
""",
        ),
        Probe(
            "addr_random",
            note="eth_hw_addr_random (3.4)",
            on_success=(have("ADDR_RANDOM"),),
            code="""\
#include <linux/etherdevice.h>

void dummy(struct net_device *dev) {
        eth_hw_addr_random(dev);
}
""",
        ),
        Probe(
            "alloc_netdev_4args",
            note="3.17 added the name_assign_type argument to alloc_netdev",
            on_success=(define("ALLOC_NETDEV_4ARGS"),),
            code="""\
#include <linux/netdevice.h>

struct net_device *
dummy(int sizeof_priv, const char *name,
	unsigned char name_assign_type,
	void (*setup)(struct net_device *))
{
	return alloc_netdev(sizeof_priv, name,
		name_assign_type, setup);
}
""",
        ),
        Probe(
            "nnitd",
            note=(
                "netdev_notifier_info_to_dev (3.11: netdev notifiers get a netdev_notifier_info, "
                "not the device)"
            ),
            on_success=(have("NNITD"),),
            code="""\
#include <linux/netdevice.h>

struct net_device *
dummy(void *ptr)
{
	return netdev_notifier_info_to_dev(ptr);
}
""",
        ),
        Probe(
            "napi_complete_done",
            note="napi_complete_done (3.19)",
            on_success=(have("NAPI_COMPLETE_DONE"),),
            code="""\
#include <linux/netdevice.h>

void dummy(struct napi_struct *n, int work_done) {
	napi_complete_done(n, work_done);
}
""",
        ),
        Probe(
            "reg_notif_rh",
            note="register_netdevice_notifier_rh, a Red Hat (RHEL 7) backport",
            on_success=(have("REG_NOTIF_RH"),),
            code="""\
#include <linux/netdevice.h>

int
dummy(struct notifier_block *nb) {
	return register_netdevice_notifier_rh(nb);
}
""",
        ),
        Probe(
            "netdev_dtor",
            note="net_device.destructor, replaced by needs_free_netdev/priv_destructor in 4.12",
            on_success=(have("NETDEV_DTOR"),),
            code="""\
  	#include <linux/netdevice.h>

	void
	dummy(struct net_device *dev)
	{
		return dev->destructor(dev);
	}
""",  # noqa: E101
        ),
        Probe(
            "ufo",
            note="NETIF_F_UFO, removed in 4.14 with UDP fragmentation offload",
            on_success=(have("UFO"),),
            code="""\
	#include <linux/netdevice.h>

	unsigned int
	dummy(void) {
                return NETIF_F_UFO;
	}
""",
        ),
        Probe(
            "napi_poll_weight",
            note=(
                "netif_napi_add_weight (5.19), before 6.1 dropped netif_napi_add's weight argument"
            ),
            on_success=(have("NAPI_POLL_WEIGHT"),),
            code="""\
#include <linux/netdevice.h>

void dummy(struct net_device *dev,
	struct napi_struct *napi,
	int (*poll)(struct napi_struct *, int),
	int weight)
{
	netif_napi_add_weight(dev, napi, poll, weight);
}
""",
        ),
        Probe(
            "eth_type_vlan",
            note="eth_type_vlan, the VLAN ethertype helper in linux/if_vlan.h (4.x)",
            on_success=(have("ETH_TYPE_VLAN"),),
            code="""\
#include <linux/if_vlan.h>

bool dummy(__be16 ethertype) {
	return eth_type_vlan(ethertype);
}
""",
        ),
        Probe(
            "dev_addr_set",
            note="dev_addr_set (5.15), needed since net_device.dev_addr became const",
            on_success=(have("DEV_ADDR_SET"),),
            code="""\
#include <linux/netdevice.h>

void dummy(struct net_device *dev, const unsigned char *addr) {
	dev_addr_set(dev, addr);
}
""",
        ),
        Probe(
            "netif_f_lltx",
            note="NETIF_F_LLTX feature bit, turned into the lltx private flag in 6.12",
            on_success=(have("NETIF_F_LLTX"),),
            code="""\
#include <linux/netdevice.h>

u64 dummy(void) {
	return NETIF_F_LLTX;
}
""",
        ),
    ),
)
