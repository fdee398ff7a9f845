"""doit tasks for netmap-build: `doit configure`, then `doit build`, `doit install`.

Thin on purpose: each task builds its dict and calls into `buildsys`.
"""

from __future__ import annotations

import sys
from typing import Any

from buildsys import cli

DOIT_CONFIG = {"default_tasks": [], "verbosity": 2, "action_string_formatting": "new"}


@cli.guarded
def _configure(**params: Any) -> None:
    from buildsys.commands import configure_command  # noqa: PLC0415 (keeps `doit list` fast)

    configure_command(params, sys.argv)


def task_configure() -> dict[str, Any]:
    """Probe the target kernel and write netmap_linux_config.h (options: doit help configure)."""
    return {
        "actions": [_configure],
        "params": cli.configure_params(sys.argv),
        "uptodate": [False],
        "verbosity": 2,
    }
