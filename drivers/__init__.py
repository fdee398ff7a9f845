"""Driver records: one folder per driver, plus the catalog of names.

A folder holds the driver's record (``__init__.py``), its patches, its glue and,
for the drivers that have them, its probes (``probes.py``, referenced by the
record's ``probes``). Driver probes build against the driver's copied sources,
search them (e1000e's ``SourceGrep``), or test kernel APIs only that driver uses
(most of virtio_net's); they run only when the driver is selected. Our names key
them (upstream's ``r8169.c`` is ``realtek``, ``virtio_net.c`` is ``virtio_net``).

The probes are ported from upstream netmap's LINUX/configure at 89607e1406c1, in
its order. Each ``code`` is the heredoc body as the shell writes it (loops
expanded), with only the common leading indentation removed, so answers stay
comparable with upstream's compile by compile; the one exception is realtek's
include (see there). Some bodies indent with both tabs and spaces; they are kept
as they are, hence their ``noqa: E101``.
"""
