"""The C apps netmap ships, as data (built from the netmap tree's apps/)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class App:
    name: str
    note: str
    x86_64_only: bool = False


APPS: tuple[App, ...] = (
    App("pkt-gen", "packet generator and sink"),
    App("bridge", "bridge between two netmap ports"),
    App("lb", "load balancer over netmap pipes"),
    App("tlem", "link emulator"),
    App("nmreplay", "pcap replay with rate and delay emulation"),
    App("vale-ctl", "VALE switch control"),
    App("dedup", "packet deduplicator (inline x86_64 assembly)", x86_64_only=True),
)

# what utils/GNUmakefile builds by default (its PROGS)
UTILS_PROGRAMS = (
    "test_select", "testmmap", "test_nm", "functional", "ctrl-api-test", "fd_server",
    "functional-legacy", "fd_server-legacy", "get_avail_tx_packets", "get_max_tx_packets",
    "extmem-example", "sync_kloop_test",
)
