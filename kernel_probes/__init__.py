"""Kernel probes as data: upstream configure's compile probes, grouped by area.

`GENERIC` holds the probes every configuration runs, one set per kernel area;
`DRIVER_PROBES` those of each driver, keyed by upstream's driver name.
`upstream_order()` lists the generic probes in the order upstream's configure
adds them, which fixes the order of the macros in the header (upstream writes
them in reverse probe order).
"""

from __future__ import annotations

from kernel_probes import kernel, mm, netdev, netdev_ops, ours, skbuff
from kernel_probes.drivers import DRIVER_PROBES
from kernel_probes.record import MACRO_PREFIX, ExportedSymbol, Probe, ProbeSet, SourceGrep
from kernel_probes.symbols import SYMBOLS

__all__ = [
    "DRIVER_PROBES",
    "GENERIC",
    "SYMBOLS",
    "UPSTREAM_ORDER",
    "all_probes",
    "generic_probes",
    "our_macros",
    "upstream_order",
]

GENERIC: tuple[ProbeSet, ...] = (
    netdev.PROBES, netdev_ops.PROBES, skbuff.PROBES, mm.PROBES, kernel.PROBES, ours.PROBES)

# The generic probes in the order upstream's configure adds them (loops
# expanded), extracted from configure at 89607e1406c1 together with the probes.
UPSTREAM_ORDER: tuple[str, ...] = (
    "ax25_ptr",
    "iommu",
    "timer_rtype",
    "rx_register",
    "rx_handler_result",
    "kthread_use_mm",
    "select_queue_2",
    "select_queue_3",
    "select_queue_4",
    "select_queue_parm3_fallback",
    "select_queue_parm3",
    "get_ringparam_1",
    "get_ringparam_2",
    "set_channels",
    "pernet_ops_id",
    "real_num_rx_queues",
    "num_rx_queues",
    "set_real_num_tx_queues",
    "netif_rx_ni",
    "pwait_key__key",
    "pwait_key_key",
    "unlocked_ioctl",
    "init_net",
    "skb_copy_linear",
    "uintptr",
    "queue_mapping",
    "hrtimer_forward_now",
    "phys_addr_t",
    "netdev_ops",
    "netdev_tx_t",
    "usleep_range",
    "hrtimer_mode_rel",
    "live_addr_change",
    "get_stats64",
    "tx_skb_sharing",
    "hw_features",
    "addr_random",
    "alloc_netdev_4args",
    "nnitd",
    "sock_create_kern_netns",
    "napi_complete_done",
    "napi_alloc_skb",
    "alloc_skb_ip_align",
    "xmit_more",
    "skb_add_rx_frag_6args",
    "skb_frag_size",
    "skb_frag_address",
    "skb_checksum_start_offset",
    "page_ref",
    "page_count__count",
    "page_count__refcount",
    "qdisc_enqueue_tofree",
    "reg_notif_rh",
    "change_mtu_rh74",
    "fault_vma_arg",
    "sched_mm",
    "nonvoid_get_stats64",
    "netdev_dtor",
    "wait_queue_entry_t",
    "pci_enable_msix",
    "refcount_t",
    "ufo",
    "gup_4args",
    "gup_5args",
    "gup_7args",
    "pin_pages",
    "foll_split",
    "page_to_virt",
    "qdisc_extack",
    "average_h",
    "ethtool_validate",
    "u64_stats_irq",
    "struct_timeval",
    "do_gettimeofday",
    "vmfault_t",
    "nf_reset_ct",
    "setrngprm_4args",
    "online_cpus",
    "pollwait_5args",
    "napi_poll_weight",
    "eth_type_vlan",
    "skb_vlan_tag_present",
    "vlan_hwaccel_push_inside",
    "skb_vlan_untag",
    "dev_addr_set",
    "strscpy",
    "eventfd_sig_2args",
    "setpageswapbacked",
    "netif_f_lltx",
    "hrtimer_setup",
)

AnyProbe = Probe | SourceGrep | ExportedSymbol


def upstream_order() -> list[str]:
    """Names of all generic probes, in upstream's order."""
    return list(UPSTREAM_ORDER)


def generic_probes() -> list[Probe]:
    """The generic probes, in upstream's order, then ours (kernel_probes/ours.py)."""
    by_name = {p.name: p for s in GENERIC for p in s.probes if isinstance(p, Probe)}
    upstream = [by_name[name] for name in UPSTREAM_ORDER]
    return upstream + [p for p in ours.PROBES.probes if isinstance(p, Probe)]


def our_macros() -> set[str]:
    """The macros only our probes define (never upstream's configure)."""
    return {MACRO_PREFIX + define.name for probe in ours.PROBES.probes
            for define in (*probe.on_success, *getattr(probe, "on_failure", ()))}


def all_probes(drivers: list[str]) -> list[AnyProbe]:
    """Generic probes, then those of the given drivers, then the symbol lookups."""
    records: list[AnyProbe] = list(generic_probes())
    for driver in drivers:
        if driver in DRIVER_PROBES:
            records += DRIVER_PROBES[driver].probes
    return records + list(SYMBOLS)
