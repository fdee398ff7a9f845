"""netmap-build: the engine that runs the probe, driver and app records."""

__version__ = "0.1.0"
