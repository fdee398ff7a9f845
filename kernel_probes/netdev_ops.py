"""Probes of the net_device_ops and ethtool_ops callbacks' signatures.

Ported from upstream netmap's LINUX/configure at 89607e1406c1, in its order.
Each ``code`` is the heredoc body as the shell writes it (loops expanded), with
only the common leading indentation removed, so answers stay comparable with
upstream's compile by compile.
Some bodies indent with both tabs and spaces; they are kept as they are, hence
their ``noqa: E101``.
"""

from kernel_probes.record import Probe, ProbeSet, define, have

PROBES = ProbeSet(
    area="netdev_ops",
    probes=(
        Probe(
            "select_queue_2",
            note="ndo_select_queue(dev, skb): two arguments before 3.13 added accel_priv",
            on_success=(define("SELECT_QUEUE", "2"),),
            code="""\
#include <linux/netdevice.h>

u16 dummy(struct net_device_ops *ndo)
{
        return ndo->ndo_select_queue(NULL, NULL);
}
""",
        ),
        Probe(
            "select_queue_3",
            note=(
                "ndo_select_queue with three arguments: accel_priv in 3.13 only, then sb_dev once "
                "5.2 removed fallback"
            ),
            on_success=(define("SELECT_QUEUE", "3"),),
            code="""\
#include <linux/netdevice.h>

u16 dummy(struct net_device_ops *ndo)
{
        return ndo->ndo_select_queue(NULL, NULL, NULL);
}
""",
        ),
        Probe(
            "select_queue_4",
            note=(
                "ndo_select_queue with four arguments: 3.14 added the fallback function, 5.2 "
                "removed it"
            ),
            on_success=(define("SELECT_QUEUE", "4"),),
            code="""\
#include <linux/netdevice.h>

u16 dummy(struct net_device_ops *ndo)
{
        return ndo->ndo_select_queue(NULL, NULL, NULL, NULL);
}
""",
        ),
        # this and the next probe define the same macro; either one succeeding is enough
        Probe(
            "select_queue_parm3_fallback",
            note=(
                "4.19 turned ndo_select_queue's third argument into struct net_device *sb_dev "
                "(fallback still there)"
            ),
            on_success=(define("SELECT_QUEUE_PARM3", "struct net_device*"),),
            code="""\
#include <linux/netdevice.h>

static u16 myselect(struct net_device *dev, struct sk_buff *skb,
	struct net_device *sb_dev, select_queue_fallback_t fallback)
{
	(void)dev;
	(void)skb;
	(void)sb_dev;
	(void)fallback;
	return 0;
}
struct net_device_ops ndo = {
	.ndo_select_queue = myselect,
};
""",
        ),
        Probe(
            "select_queue_parm3",
            note=(
                "ndo_select_queue(dev, skb, sb_dev): struct net_device *sb_dev without fallback "
                "(5.2)"
            ),
            on_success=(define("SELECT_QUEUE_PARM3", "struct net_device*"),),
            code="""\
#include <linux/netdevice.h>

static u16 myselect(struct net_device *dev, struct sk_buff *skb,
	struct net_device *sb_dev)
{
	(void)dev;
	(void)skb;
	(void)sb_dev;
	return 0;
}
struct net_device_ops ndo = {
	.ndo_select_queue = myselect,
};
""",
        ),
        Probe(
            "get_ringparam_1",
            note="ethtool_ops.get_ringparam(dev, ringparam), the form before 5.17",
            on_success=(define("HAVE_GET_RINGPARAM", "1"),),
            code="""\
#include <linux/netdevice.h>
#include <linux/ethtool.h>

void
dummy(struct net_device *net, struct ethtool_ringparam *rp) {
        net->ethtool_ops->get_ringparam(net, rp);
}
""",
        ),
        Probe(
            "get_ringparam_2",
            note=(
                "5.17 added kernel_ethtool_ringparam and extack arguments to ethtool get_ringparam"
            ),
            on_success=(define("HAVE_GET_RINGPARAM", "2"),),
            code="""\
#include <linux/netdevice.h>
#include <linux/ethtool.h>

void
dummy(struct net_device *net, struct ethtool_ringparam *rp,
	struct kernel_ethtool_ringparam *ker,
	struct netlink_ext_ack *extack) {
        net->ethtool_ops->get_ringparam(net, rp, ker, extack);
}
""",
        ),
        Probe(
            "set_channels",
            note="ethtool_ops.get_channels/set_channels (ethtool channel configuration, early 3.x)",
            on_success=(have("SET_CHANNELS"),),
            code="""\
#include <linux/netdevice.h>
#include <linux/ethtool.h>

int
dummy(struct net_device *net, struct ethtool_channels *c) {
	net->ethtool_ops->get_channels(net, c);
	return net->ethtool_ops->set_channels(net, c);
}
""",
        ),
        Probe(
            "netdev_ops",
            note="struct net_device_ops (2.6.29 moved the ndo_* callbacks out of net_device)",
            on_success=(have("NETDEV_OPS"),),
            code="""\
#include <linux/netdevice.h>

struct net_device_ops dummy;
""",
        ),
        Probe(
            "netdev_tx_t",
            note="netdev_tx_t, the ndo_start_xmit return type (2.6.32)",
            on_success=(have("NETDEV_TX_T"),),
            code="""\
#include <linux/netdevice.h>

netdev_tx_t dummy;
""",
        ),
        Probe(
            "get_stats64",
            note="net_device_ops.ndo_get_stats64 (2.6.35)",
            on_success=(have("GET_STATS64"),),
            code="""\
#include <linux/netdevice.h>

void * dummy(struct net_device_ops *ops) {
       return ops->ndo_get_stats64;
}
""",
        ),
        Probe(
            "change_mtu_rh74",
            note=(
                "ndo_change_mtu_rh74 of RHEL 7.4's extended net_device_ops; plain ndo_change_mtu "
                "elsewhere"
            ),
            on_success=(define("CHANGE_MTU", "ndo_change_mtu_rh74"),),
            on_failure=(define("CHANGE_MTU", "ndo_change_mtu"),),
            code="""\
#include <linux/netdevice.h>

int
dummy(struct net_device_ops *ops, struct net_device *dev) {
	return ops->ndo_change_mtu_rh74(dev, 0);
}
""",
        ),
        Probe(
            "nonvoid_get_stats64",
            note="ndo_get_stats64 returned struct rtnl_link_stats64 * until 4.11 made it void",
            on_success=(have("NONVOID_GET_STATS64"),),
            code="""\
  	#include <linux/netdevice.h>

  	struct rtnl_link_stats64 *
  	dummy(struct net_device_ops *ops, struct net_device *dev,
		struct rtnl_link_stats64 *storage)
	{
		return ops->ndo_get_stats64(dev, storage);
	}
""",  # noqa: E101
        ),
        Probe(
            "ethtool_validate",
            note="ethtool_validate_speed and ethtool_validate_duplex (4.x)",
            on_success=(have("ETHTOOL_VALIDATE"),),
            code="""\
#include <linux/ethtool.h>

int
dummy(void) {
	return ethtool_validate_speed(0) + ethtool_validate_duplex(0);
}
""",
        ),
        Probe(
            "setrngprm_4args",
            note=(
                "5.17 added kernel_ethtool_ringparam and extack arguments to ethtool set_ringparam"
            ),
            on_success=(have("SETRNGPRM_4ARGS"),),
            code="""\
#include <linux/netdevice.h>
#include <linux/ethtool.h>

int
dummy(struct net_device *net, struct ethtool_ringparam *r,
	struct kernel_ethtool_ringparam *k,
	struct netlink_ext_ack *a) {
	return net->ethtool_ops->set_ringparam(net, r, k, a);
}
""",
        ),
    ),
)
