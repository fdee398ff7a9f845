"""Probes run: units, kbuild's compile command run for each (or kbuild), canaries, cache, header."""
