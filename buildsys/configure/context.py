"""A configured build dir, as the build, install and dkms steps see it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from buildsys.cli.options import Options, load_recorded
from buildsys.core.errors import UserError
from buildsys.kernel.tree import KernelTree, load_kernel

SOURCE_GLOBS = ("sys/**/*.[ch]", "LINUX/*.[ch]", "libnetmap/*.[ch]", "apps/**/*.[ch]",
                "utils/*.[ch]", "**/GNUmakefile")


@dataclass(frozen=True)
class BuildContext:
    build_dir: Path
    options: Options
    configuration: dict[str, object]

    @property
    def netmap(self) -> Path:
        return self.build_dir / "netmap"

    @property
    def header(self) -> Path:
        return self.build_dir / "netmap_linux_config.h"

    def kernel(self) -> KernelTree:
        kernel = self.configuration["kernel"]
        assert isinstance(kernel, dict)
        return load_kernel(Path(kernel["dir"]))

    def disabled_warnings(self) -> list[str]:
        flags = self.configuration.get("warnings", [])
        assert isinstance(flags, list)
        return [str(flag) for flag in flags]

    def sources(self, *patterns: str) -> list[Path]:
        found: set[Path] = set()
        for pattern in patterns or SOURCE_GLOBS:
            found.update(p for p in self.netmap.glob(pattern) if p.is_file())
        return sorted(found)


def load_context(build_dir: Path) -> BuildContext:
    options = load_recorded(build_dir)
    report = build_dir / "configure.json"
    try:
        configuration = json.loads(report.read_text())
    except (OSError, ValueError) as error:
        raise UserError(f"{report} is unreadable ({error})", "run 'doit configure' again") from None
    return BuildContext(build_dir, options, configuration)
