"""Warnings that probes and netmap's own build must not turn into errors.

Upstream's configure checks each ``-Wno-error=<w>`` with a preliminary
compile and keeps those the compiler knows; newer compilers know more
(gcc 13 added enum-int-mismatch, for instance).
"""

DISABLED_WARNINGS = (
    "unused-but-set-variable",
    "attributes",
    "packed-not-aligned",
    "stringop-truncation",
    "missing-attributes",
    "format-truncation",
    "maybe-uninitialized",
    "unused-variable",
    "unused-label",
    "implicit-fallthrough",
    "enum-int-mismatch",
    "missing-prototypes",
)
