"""Probes run: units from records, kbuild batches with canaries, attribution, cache, header."""
