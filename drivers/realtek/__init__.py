"""The realtek driver (Realtek RTL8169/8168/8125): r8169.ko with netmap hooks, from our own
patches and glue. Only r8169.ko: the kernel folder also holds 8139cp, 8139too and atp."""

from pathlib import Path

from drivers.realtek.probes import PROBES
from drivers.record import Driver, Patch

DRIVER = Driver(
    name="realtek",
    kconfig="CONFIG_R8169",
    folder="drivers/net/ethernet/realtek",
    modules=("r8169",),
    upstream_name="r8169.c",
    home=Path(__file__).parent,
    patches=(
        # The two differ in rtl_remove_one(): later kernels remove the LEDs before
        # unregister_netdev() (r8169_remove_leds, about 6.9). Verified: 6.1.192 and
        # 6.12.117 (build, ELF checks); 6.18.10 (applies with no fuzz). The fork's 6.11
        # patch shows 6.11 has the LEDs lines, so it takes the second patch.
        Patch("patches/r8169_main-6.1.diff", since="6.1", until="6.9"),
        Patch("patches/r8169_main-6.12.diff", since="6.9", until="7.4"),
    ),
    glue=("if_re_netmap_linux.h",),
    probes=PROBES,
)
