"""The vmxnet3 driver: VMware paravirtual NIC."""

from pathlib import Path

from drivers.record import Driver
from drivers.vmxnet3.probes import PROBES

DRIVER = Driver(
    name="vmxnet3",
    kconfig="CONFIG_VMXNET3",
    folder="drivers/net/vmxnet3",
    modules=("vmxnet3",),
    upstream_name="vmxnet3",
    home=Path(__file__).parent,
    upstream_patches="vmxnet3",
    probes=PROBES,
)
