/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Copyright (C) 2011-2014 Luigi Rizzo. All rights reserved.
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 * 1. Redistributions of source code must retain the above copyright
 *    notice, this list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright
 *    notice, this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 *
 * THIS SOFTWARE IS PROVIDED BY THE AUTHOR AND CONTRIBUTORS ``AS IS'' AND
 * ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
 * IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE
 * ARE DISCLAIMED.  IN NO EVENT SHALL THE AUTHOR OR CONTRIBUTORS BE LIABLE
 * FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
 * DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS
 * OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION)
 * HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT
 * LIABILITY, OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY
 * OUT OF THE USE OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF
 * SUCH DAMAGE.
 */

/*
 * netmap support for the Realtek r8169 driver (drivers/net/ethernet/realtek,
 * r8169_main.c) of Linux 6.x.
 *
 * Based on netmap's LINUX/if_re_netmap_linux.h, adapted to the 6.x driver:
 * register accessors take the private struct, the TX doorbell differs
 * between chip families (rtl8169_doorbell()), krings are reached through
 * pointers (na->rx_rings[i]) and the driver re-arms its RX ring itself on
 * every rtl_reset_work(), which the patch hooks as well.
 *
 * The NIC has one TX and one RX ring of NUM_TX_DESC/NUM_RX_DESC descriptors
 * and no head/tail registers: ownership is the DescOwn bit of each
 * descriptor. In netmap mode tp->cur_tx, tp->dirty_tx and tp->cur_rx are
 * kept as ring indexes (0 .. NUM_x_DESC - 1) by this file only, since
 * rtl_tx(), rtl_rx() and rtl8169_start_xmit() do not run.
 *
 * This file is included by r8169_main.c after the definitions of the
 * descriptor layout and of struct rtl8169_private, and before the functions
 * it calls, which are declared below.
 */

#ifndef _IF_RE_NETMAP_LINUX_H_
#define _IF_RE_NETMAP_LINUX_H_

#include <bsd_glue.h>
#include <net/netmap.h>
#include <netmap/netmap_kern.h>

#define SOFTC_T	rtl8169_private

/*
 * NETMAP_LINUX_RTL_OPEN is the name of the driver's ndo_open, found by the
 * r8169 probe of netmap's configure and written to netmap_linux_config.h:
 * rtl8169_open in old kernels, rtl_open since. When that probe has not run
 * (the macro is undefined) we use rtl_open, its name in every 6.x kernel.
 */
#ifndef NETMAP_LINUX_RTL_OPEN
#define NETMAP_LINUX_RTL_OPEN rtl_open
#endif

static int NETMAP_LINUX_RTL_OPEN(struct net_device *dev);
static int rtl8169_close(struct net_device *dev);
static void rtl8169_doorbell(struct rtl8169_private *tp);

/* rtl8169_wait_for_quiescence() is gone from 6.x; the probe leaves it out */
#ifdef NETMAP_LINUX_HAVE_RTL_WFQ
static void rtl8169_wait_for_quiescence(struct net_device *dev);
#define NETMAP_LINUX_RTL_WFQ(dev) rtl8169_wait_for_quiescence(dev)
#else
#define NETMAP_LINUX_RTL_WFQ(dev) ((void)(dev))
#endif

/* the RX descriptor holds the buffer size in 14 bits */
static inline u32
re_netmap_rx_buf_size(struct netmap_adapter *na)
{
	return min_t(u32, NETMAP_BUF_SIZE(na), R8169_RX_BUF_SIZE);
}

/*
 * Register/unregister. Called by netmap with rtnl_lock held (netmap_hw_reg),
 * as ndo_open/ndo_stop expect. A running interface is closed and reopened,
 * so that rtl8169_rx_fill() and rtl_reset_work() rebuild the rings with
 * netmap buffers (or with the driver's own pages when leaving netmap mode).
 * Returns 0 or a positive errno, as netmap expects.
 */
static int
re_netmap_reg(struct netmap_adapter *na, int onoff)
{
	struct net_device *dev = na->ifp;
	bool running = netif_running(dev);

	if (running) {
		NETMAP_LINUX_RTL_WFQ(dev);
		rtl8169_close(dev);
	}

	if (onoff)
		nm_set_native_flags(na);
	else
		nm_clear_native_flags(na);
	netmap_krings_mode_commit(na, onoff);

	if (!running || NETMAP_LINUX_RTL_OPEN(dev) == 0)
		return 0;

	if (onoff) {
		/* could not restart in netmap mode: try the normal mode */
		netdev_err(dev, "cannot reopen in netmap mode\n");
		nm_clear_native_flags(na);
		netmap_krings_mode_commit(na, 0);
		if (NETMAP_LINUX_RTL_OPEN(dev))
			netdev_err(dev, "cannot reopen in normal mode\n");
		return ENOMEM;
	}

	netdev_err(dev, "cannot reopen after leaving netmap mode\n");
	return EIO;
}

/*
 * Reconcile kernel and user view of the transmit ring.
 */
static int
re_netmap_txsync(struct netmap_kring *kring, int flags)
{
	struct netmap_adapter *na = kring->na;
	struct net_device *dev = na->ifp;
	struct netmap_ring *ring = kring->ring;
	u_int nm_i;	/* index into the netmap ring */
	u_int nic_i;	/* index into the NIC ring */
	u_int n;
	u_int const lim = kring->nkr_num_slots - 1;
	u_int const head = kring->rhead;

	/* device-specific */
	struct SOFTC_T *tp = netdev_priv(dev);

	if (!netif_carrier_ok(dev))
		return 0;

	/*
	 * First part: process new packets to send.
	 */
	nm_i = kring->nr_hwcur;
	if (nm_i != head) {
		nic_i = tp->cur_tx;
		for (n = 0; nm_i != head; n++) {
			struct netmap_slot *slot = &ring->slot[nm_i];
			struct TxDesc *txd = &tp->TxDescArray[nic_i];
			u_int len = slot->len;
			u64 paddr;
			void *addr = PNMB(na, slot, &paddr);
			u32 opts1 = DescOwn | FirstFrag | LastFrag;

			NM_CHECK_ADDR_LEN(na, addr, len);
			opts1 |= len;
			if (nic_i == lim)	/* last descriptor of the ring */
				opts1 |= RingEnd;

			slot->flags &= ~(NS_REPORT | NS_BUF_CHANGED);
			netmap_sync_map_dev(na, (bus_dma_tag_t)na->pdev,
					    &paddr, len, NR_TX);

			txd->addr = cpu_to_le64(paddr);
			txd->opts2 = 0;
			/* the NIC must see addr and opts2 before DescOwn */
			dma_wmb();
			WRITE_ONCE(txd->opts1, cpu_to_le32(opts1));

			nm_i = nm_next(nm_i, lim);
			nic_i = nm_next(nic_i, lim);
		}
		kring->nr_hwcur = head;
		tp->cur_tx = nic_i;

		/* descriptors must be visible before the doorbell */
		wmb();
		rtl8169_doorbell(tp);
	}

	/*
	 * Second part: reclaim buffers for completed transmissions.
	 */
	if ((flags & NAF_FORCE_RECLAIM) || nm_kr_txempty(kring)) {
		nic_i = tp->dirty_tx;
		for (n = 0; nic_i != tp->cur_tx; n++) {
			struct netmap_slot *slot;
			u64 paddr;

			if (le32_to_cpu(READ_ONCE(tp->TxDescArray[nic_i].opts1)) &
			    DescOwn)
				break;

			slot = &ring->slot[netmap_idx_n2k(kring, nic_i)];
			PNMB(na, slot, &paddr);
			netmap_sync_map_cpu(na, (bus_dma_tag_t)na->pdev,
					    &paddr, slot->len, NR_TX);
			nic_i = nm_next(nic_i, lim);
		}
		if (n > 0) {
			tp->dirty_tx = nic_i;
			kring->nr_hwtail = nm_prev(netmap_idx_n2k(kring, nic_i),
						   lim);
		}
	}

	return 0;
}

/*
 * Reconcile kernel and user view of the receive ring.
 */
static int
re_netmap_rxsync(struct netmap_kring *kring, int flags)
{
	struct netmap_adapter *na = kring->na;
	struct net_device *dev = na->ifp;
	struct netmap_ring *ring = kring->ring;
	u_int nm_i;	/* index into the netmap ring */
	u_int nic_i;	/* index into the NIC ring */
	u_int n;
	u_int const lim = kring->nkr_num_slots - 1;
	u_int const head = kring->rhead;
	int force_update = (flags & NAF_FORCE_READ) ||
			   (kring->nr_kflags & NKR_PENDINTR);

	/* device-specific */
	struct SOFTC_T *tp = netdev_priv(dev);
	bool strip_fcs = !(dev->features & NETIF_F_RXFCS);

	if (!netif_carrier_ok(dev))
		return 0;

	if (head > lim)
		return netmap_ring_reinit(kring);

	/*
	 * First part: import newly received packets.
	 *
	 * The NIC may use every descriptor of the ring, so besides DescOwn
	 * we stop right before nr_hwcur (hwtail must not reach hwcur).
	 */
	if (netmap_no_pendintr || force_update) {
		u_int stop_i = nm_prev(kring->nr_hwcur, lim);

		nic_i = tp->cur_rx;
		nm_i = netmap_idx_n2k(kring, nic_i);
		while (nm_i != stop_i) {
			struct RxDesc *rxd = &tp->RxDescArray[nic_i];
			struct netmap_slot *slot = &ring->slot[nm_i];
			u32 status = le32_to_cpu(READ_ONCE(rxd->opts1));
			u64 paddr;
			u_int len;

			if (status & DescOwn)
				break;
			/* read the buffer only after seeing DescOwn clear */
			dma_rmb();

			/*
			 * A frame larger than the netmap buffer spans several
			 * descriptors; the stock driver drops those too (see
			 * rtl8169_fragmented_frame()), here they become empty
			 * slots.
			 */
			if ((status & (FirstFrag | LastFrag)) !=
			    (FirstFrag | LastFrag)) {
				len = 0;
			} else {
				len = status & GENMASK(13, 0);
				if (strip_fcs)
					len = len < ETH_FCS_LEN ?
					      0 : len - ETH_FCS_LEN;
			}

			PNMB(na, slot, &paddr);
			netmap_sync_map_cpu(na, (bus_dma_tag_t)na->pdev,
					    &paddr, len, NR_RX);
			slot->len = len;
			slot->flags = 0;
			nm_i = nm_next(nm_i, lim);
			nic_i = nm_next(nic_i, lim);
		}
		tp->cur_rx = nic_i;
		kring->nr_hwtail = nm_i;
		kring->nr_kflags &= ~NKR_PENDINTR;
	}

	/*
	 * Second part: give back to the NIC the slots userspace released.
	 */
	nm_i = kring->nr_hwcur;
	if (nm_i != head) {
		u32 bufsz = re_netmap_rx_buf_size(na);

		nic_i = netmap_idx_k2n(kring, nm_i);
		for (n = 0; nm_i != head; n++) {
			struct netmap_slot *slot = &ring->slot[nm_i];
			struct RxDesc *rxd = &tp->RxDescArray[nic_i];
			u64 paddr;
			void *addr = PNMB(na, slot, &paddr);
			u32 opts1 = DescOwn | bufsz;

			if (addr == NETMAP_BUF_BASE(na))	/* bad buffer */
				return netmap_ring_reinit(kring);

			if (nic_i == lim)	/* last descriptor of the ring */
				opts1 |= RingEnd;

			slot->flags &= ~NS_BUF_CHANGED;
			netmap_sync_map_dev(na, (bus_dma_tag_t)na->pdev,
					    &paddr, bufsz, NR_RX);

			rxd->addr = cpu_to_le64(paddr);
			rxd->opts2 = 0;
			/* the NIC must see addr and opts2 before DescOwn */
			dma_wmb();
			WRITE_ONCE(rxd->opts1, cpu_to_le32(opts1));

			nm_i = nm_next(nm_i, lim);
			nic_i = nm_next(nic_i, lim);
		}
		kring->nr_hwcur = head;
	}

	return 0;
}

/*
 * Ring initialization, called with the NIC stopped: from
 * rtl8169_rx_fill() when the rings are created and from rtl_reset_work()
 * before the NIC is restarted (after rtl8169_init_ring_indexes() has reset
 * cur_tx, dirty_tx and cur_rx to 0, matching netmap_reset()).
 * They return 1 if the ring is in netmap mode (and now filled with netmap
 * buffers), 0 otherwise.
 */
static int
re_netmap_tx_init(struct SOFTC_T *tp)
{
	struct netmap_adapter *na;
	struct netmap_kring *kring;
	struct netmap_slot *slot;
	int i;

	/* NA() is only meaningful once netmap_attach() has succeeded */
	if (!NM_NA_VALID(tp->dev))
		return 0;
	na = NA(tp->dev);

	slot = netmap_reset(na, NR_TX, 0, 0);
	if (!slot)
		return 0;	/* not in native netmap mode */

	kring = na->tx_rings[0];
	/* i indexes the NIC ring, netmap_idx_n2k(i) the netmap ring */
	for (i = 0; i < na->num_tx_desc; i++) {
		struct TxDesc *txd = &tp->TxDescArray[i];
		u64 paddr;

		PNMB(na, slot + netmap_idx_n2k(kring, i), &paddr);
		/* pending transmissions are dropped, as netmap_reset() says */
		txd->opts1 = 0;
		txd->opts2 = 0;
		txd->addr = cpu_to_le64(paddr);
	}
	/* the ring is complete before the NIC is (re)started */
	wmb();

	return 1;
}

static int
re_netmap_rx_init(struct SOFTC_T *tp)
{
	struct netmap_adapter *na;
	struct netmap_kring *kring;
	struct netmap_slot *slot;
	u32 bufsz;
	int i, avail;

	if (!NM_NA_VALID(tp->dev))
		return 0;
	na = NA(tp->dev);

	slot = netmap_reset(na, NR_RX, 0, 0);
	if (!slot)
		return 0;	/* not in native netmap mode */

	kring = na->rx_rings[0];
	bufsz = re_netmap_rx_buf_size(na);
	/*
	 * The slots userspace still holds (nm_kr_rxspace()) are not given
	 * to the NIC; all the others are (no slot is kept back, see
	 * re_netmap_rxsync()).
	 */
	avail = na->num_rx_desc - nm_kr_rxspace(kring);
	for (i = 0; i < na->num_rx_desc; i++) {
		struct RxDesc *rxd = &tp->RxDescArray[i];
		u64 paddr;
		u32 opts1 = bufsz;

		PNMB(na, slot + netmap_idx_n2k(kring, i), &paddr);
		if (i < avail) {
			opts1 |= DescOwn;
			netmap_sync_map_dev(na, (bus_dma_tag_t)na->pdev,
					    &paddr, bufsz, NR_RX);
		}
		if (i == na->num_rx_desc - 1)
			opts1 |= RingEnd;

		rxd->addr = cpu_to_le64(paddr);
		rxd->opts2 = 0;
		rxd->opts1 = cpu_to_le32(opts1);
	}
	/* the ring is complete before the NIC is (re)started */
	wmb();

	return 1;
}

/*
 * Called at the end of rtl_init_one(), once the net_device is registered
 * (netmap takes the interface name from it).
 */
static void
re_netmap_attach(struct SOFTC_T *tp)
{
	struct netmap_adapter na;
	int error;

	memset(&na, 0, sizeof(na));

	na.ifp = tp->dev;
	na.pdev = &tp->pci_dev->dev;
	na.num_tx_desc = NUM_TX_DESC;
	na.num_rx_desc = NUM_RX_DESC;
	na.num_tx_rings = 1;
	na.num_rx_rings = 1;
	na.rx_buf_maxsize = R8169_RX_BUF_SIZE;
	na.nm_txsync = re_netmap_txsync;
	na.nm_rxsync = re_netmap_rxsync;
	na.nm_register = re_netmap_reg;

	error = netmap_attach(&na);
	if (error)
		netdev_warn(tp->dev, "netmap_attach failed: %d\n", error);
}

#endif /* _IF_RE_NETMAP_LINUX_H_ */
