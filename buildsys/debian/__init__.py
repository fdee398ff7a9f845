"""Debian's kernel packages: which ones make a series, a private apt, and `doit kernel-tree`."""
