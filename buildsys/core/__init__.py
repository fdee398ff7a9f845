"""Shared ground: errors for people, the one command runner, locks and atomic writes, safe untar."""
