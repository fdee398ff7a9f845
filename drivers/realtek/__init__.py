"""The realtek driver: r8169.ko with netmap hooks, from our own patches and glue."""

from pathlib import Path

from drivers.record import Driver, Patch

DRIVER = Driver(
    name="realtek",
    kconfig="CONFIG_R8169",
    folder="drivers/net/ethernet/realtek",
    modules=("r8169",),
    upstream_name="r8169.c",
    home=Path(__file__).parent,
    patches=(
        # 6.1 lacks the 8126A firmware lines and the LEDs block that 6.12 has
        Patch("patches/r8169_main-6.1.diff", since="6.1", until="6.12"),
        Patch("patches/r8169_main-6.12.diff", since="6.12", until="7.4"),
    ),
    glue=("if_re_netmap_linux.h",),
    note="Realtek RTL8169/8168/8125: r8169.ko only (the folder also holds 8139cp, 8139too, atp)",
    replaces=("r8169",),
)
