"""The stmmac driver: STMicro Ethernet (upstream patches stop at 4.12)."""

from pathlib import Path

from drivers.record import Driver

DRIVER = Driver(
    name="stmmac",
    kconfig="CONFIG_STMMAC_ETH",
    folder="drivers/net/ethernet/stmicro/stmmac",
    modules=("stmmac",),
    upstream_name="stmmac",
    home=Path(__file__).parent,
    upstream_patches="stmmac",
    # no patch for any kernel Debian ships (6.1 to 7.3), and QEMU has no stmmac model in
    # which a port could be proven
    off_by_default=("upstream's patches stop at Linux 4.12 and QEMU has no stmmac model "
                    "to prove a port in"),
)
