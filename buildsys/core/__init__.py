"""Shared ground: errors for people, the one command runner, locks, atomic writes, safe untar."""
