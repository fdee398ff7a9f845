"""What bench/configure and bench/build share: options, timing, the report.

Runs are interleaved (upstream, then ours, run after run), so that a machine whose load
changes during the bench slows both sides alike; the report gives each median, its runs,
the ratios against upstream, and the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from buildsys.core.untar import extract  # noqa: E402 (after the path)

DEFAULT_TARBALL = REPO.parent / "shared" / "netmap" / "netmap-89607e1406c1.tar.gz"


def arguments(doc: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--kernel-dir", default=f"/lib/modules/{os.uname().release}/build")
    parser.add_argument("--netmap-src", default=str(DEFAULT_TARBALL))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--options", default="",
                        help="options for both configures, e.g. --options=--no-drivers")
    parser.add_argument("--upstream-options", default=None,
                        help="upstream's own options instead of --options (e.g. "
                             "--kernel-sources=DIR --no-ext-drivers)")
    parser.add_argument("--ours-only", action="store_true",
                        help="time ours only (how our time grows with the work)")
    parser.add_argument("--keep", action="store_true", help="keep the work dir")
    args = parser.parse_args()
    if args.upstream_options is None:
        args.upstream_options = args.options
    return args


def workdir(prefix: str) -> Path:
    # the kernel sources our configure extracts: one extraction for every run (upstream
    # extracts nothing), in a cache of the bench's own
    os.environ["NETMAP_BUILD_SOURCES_CACHE"] = str(Path(tempfile.gettempdir()) /
                                                   "bench-kernel-sources")
    return Path(tempfile.mkdtemp(prefix=prefix))


def upstream_tree(tarball: str, destination: Path) -> Path:
    """The netmap tree of ``tarball`` under ``destination`` (its top folder)."""
    extract(Path(tarball), destination)
    (tree,) = destination.iterdir()
    return tree


def doit(work: Path, run: int | str) -> list[str]:
    return [sys.executable, "-m", "doit", "-f", str(REPO / "dodo.py"), "-d", str(work),
            "--db-file", str(work / f".doit{run}.db")]


def timed(argvs: list[list[str]], cwd: Path, env: dict[str, str] | None = None) -> float:
    started = time.monotonic()
    for argv in argvs:
        subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.monotonic() - started


def report(args: argparse.Namespace, times: dict[str, list[float]], load_before: str,
           work: Path) -> None:
    kernel = os.path.realpath(args.kernel_dir)
    print(f"host: {platform.node()}, {os.cpu_count()} cpus, python {platform.python_version()}")
    print(f"kernel: {args.kernel_dir} ({kernel}); runs: {args.runs}; options: "
          f"ours {args.options!r}, upstream {args.upstream_options!r}")
    print(f"load average: before {load_before}, after {load()}")
    base = statistics.median(times["upstream cold"]) if times.get("upstream cold") else None
    for name, values in times.items():
        if not values:
            continue
        median = statistics.median(values)
        ratio = f"ratio {median / base:5.3f}" if base else ""
        runs = " ".join(f"{v:.2f}" for v in values)
        print(f"{name:24} median {median:6.2f} s  {ratio}  ({runs})")
    if args.keep:
        print(f"work dir kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())
