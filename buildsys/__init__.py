"""netmap-build: the engine that runs the probe, driver and app records."""
