"""The drivers netmap can patch, as data: name, Kconfig symbol, kernel folder.

``upstream`` is the name upstream's configure uses (``r8169.c``,
``virtio_net.c``), accepted on the command line too.  Patches, glue headers
and driver-specific probes are attached by the driver engine.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DriverEntry:
    name: str
    kconfig: str
    folder: str
    upstream: str
    external: bool = False  # upstream fetches these sources from the network


DRIVERS: tuple[DriverEntry, ...] = (
    DriverEntry("stmmac", "CONFIG_STMMAC_ETH", "drivers/net/ethernet/stmicro/stmmac", "stmmac"),
    DriverEntry("realtek", "CONFIG_R8169", "drivers/net/ethernet/realtek", "r8169.c"),
    DriverEntry("virtio_net", "CONFIG_VIRTIO_NET", "drivers/net", "virtio_net.c", True),
    DriverEntry("forcedeth", "CONFIG_FORCEDETH", "drivers/net/ethernet/nvidia", "forcedeth.c"),
    DriverEntry("veth", "CONFIG_VETH", "drivers/net", "veth.c"),
    DriverEntry("e1000", "CONFIG_E1000", "drivers/net/ethernet/intel/e1000", "e1000"),
    DriverEntry("e1000e", "CONFIG_E1000E", "drivers/net/ethernet/intel/e1000e", "e1000e", True),
    DriverEntry("igb", "CONFIG_IGB", "drivers/net/ethernet/intel/igb", "igb", True),
    DriverEntry("igc", "CONFIG_IGC", "drivers/net/ethernet/intel/igc", "igc"),
    DriverEntry("ixgbe", "CONFIG_IXGBE", "drivers/net/ethernet/intel/ixgbe", "ixgbe", True),
    DriverEntry("ixgbevf", "CONFIG_IXGBEVF", "drivers/net/ethernet/intel/ixgbevf", "ixgbevf", True),
    DriverEntry("ice", "CONFIG_ICE", "drivers/net/ethernet/intel/ice", "ice", True),
    DriverEntry("i40e", "CONFIG_I40E", "drivers/net/ethernet/intel/i40e", "i40e", True),
    DriverEntry("vmxnet3", "CONFIG_VMXNET3", "drivers/net/vmxnet3", "vmxnet3"),
    DriverEntry(
        "mlx5", "CONFIG_MLX5_CORE", "drivers/net/ethernet/mellanox/mlx5/core", "mlx5", True
    ),
)


def by_name(name: str) -> DriverEntry | None:
    for entry in DRIVERS:
        if name in (entry.name, entry.upstream):
            return entry
    return None
