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
)
