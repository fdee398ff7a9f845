"""What a make dir's objects were made from, so that make's time comparisons are not fooled.

make rebuilds an object only when a prerequisite is newer.  Objects made from another
netmap tree (a tarball's files keep their old times) or with another ``--cc`` would stay
in place: each make dir records what it was made with, and is emptied when that changes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from buildsys.core.locking import write_atomic

SOURCE_STAMP = "netmap.source"  # in the build dir: what its netmap tree was made from
RECORD = ".made-with"  # in each make dir


def forget_other_inputs(directory: Path, build_dir: Path, made_with: object) -> None:
    """Empty ``directory`` unless its objects were made from this build dir's netmap tree
    and with ``made_with`` (a JSON value: the make's command line, ...)."""
    stamp = build_dir / SOURCE_STAMP
    source = stamp.read_text() if stamp.is_file() else ""
    inputs = json.dumps({"made_with": made_with, "source": source}, sort_keys=True)
    recorded = directory / RECORD
    if recorded.is_file() and recorded.read_text() == inputs:
        return
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    write_atomic(recorded, inputs)
