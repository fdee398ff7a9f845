"""A configured build dir, as the build, install and dkms steps see it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from buildsys.cli.options import Options, load_recorded
from buildsys.configure.record import ConfigureRecord, read_record
from buildsys.kernel.tree import KernelTree, load_kernel

SOURCE_GLOBS = ("sys/**/*.[ch]", "LINUX/*.[ch]", "libnetmap/*.[ch]", "apps/**/*.[ch]",
                "utils/*.[ch]", "**/GNUmakefile")


@dataclass(frozen=True)
class BuildContext:
    build_dir: Path
    options: Options
    configuration: ConfigureRecord

    @property
    def netmap(self) -> Path:
        return self.build_dir / "netmap"

    @property
    def header(self) -> Path:
        return self.configuration.header

    @cached_property
    def kernel_tree(self) -> KernelTree:
        """The configured kernel's tree, read once (a UserError when it is gone)."""
        return load_kernel(self.configuration.kernel.dir)

    def sources(self, *patterns: str) -> list[Path]:
        found: set[Path] = set()
        for pattern in patterns or SOURCE_GLOBS:
            found.update(p for p in self.netmap.glob(pattern) if p.is_file())
        return sorted(found)


def load_context(build_dir: Path) -> BuildContext:
    return BuildContext(build_dir, load_recorded(build_dir), read_record(build_dir))
