"""Answers read from the kernel's ``Module.symvers`` rather than compiled."""

from kernel_probes.record import ExportedSymbol, have

SYMBOLS = (
    ExportedSymbol(
        "split_page_exported",
        symbol="split_page",
        note="split_page is exported to modules only on some kernels/configs (upstream "
        "greps Module.symvers for it; we match the exact symbol, not a substring)",
        on_success=(have("SPLIT_PAGE"),),
    ),
)
