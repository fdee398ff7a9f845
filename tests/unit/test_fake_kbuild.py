"""Probe batches on a fake kbuild tree (tests/fakelinux): answers, canaries, and no
wrong header or cache entry when the environment breaks."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from buildsys.cli.options import Options
from buildsys.configure.run import configure
from buildsys.core.errors import UserError
from buildsys.kernel.tree import load_kernel
from buildsys.probing import batch
from kernel_probes.record import Probe, have
from tests.conftest import NETMAP_TARBALL

FAKE = Path(__file__).resolve().parent.parent / "fakelinux"
ALWAYS_OK = f"FAKE_CC={FAKE / 'bin' / 'always-ok'}"

COMPILES = Probe("compiles", "#include <linux/netdevice.h>\n"
                 "int fake_probe(struct net_device *dev) { return dev->mtu; }\n",
                 "a field every kernel has", on_success=(have("COMPILES"),))
FAILS = Probe("fails", "#include <linux/netdevice.h>\n"
              "int fake_probe2(struct net_device *dev) { return dev->no_such_field; }\n",
              "a field no kernel has", on_success=(have("FAILS"),))


def answers(tmp_path: Path, *kernel_opts: str) -> dict[str, bool]:
    found = batch.run_probes(load_kernel(FAKE), [COMPILES, FAILS], tmp_path / "probes",
                               ["-Werror"], list(kernel_opts))
    return {name: answer.success for name, answer in found.items()}


def test_a_sound_batch_answers_each_probe_and_hides_the_canaries(tmp_path):
    assert answers(tmp_path) == {"compiles": True, "fails": False}


@pytest.mark.parametrize(("kernel_opts", "reason", "log"), [
    # kbuild's compile of the capture object (a positive canary) fails first
    (("FAKE_CC=false",), "a snippet that compiles on any kernel failed", "make-capture"),
    # the captured command's negative canary compiles: the pass is tried through kbuild,
    # whose canary compiles too
    ((ALWAYS_OK,), "a snippet that cannot compile compiled", "make-u"),
    (("FAKE_BREAK=1",), "kbuild failed outside the probes: .*not supported", "make-capture"),
], ids=["compiler-fails-all", "compiler-fails-nothing", "kbuild-fails"])
def test_a_broken_batch_gives_no_answers(tmp_path, kernel_opts, reason, log):
    with pytest.raises(UserError, match=f"probing stopped, {reason}") as error:
        answers(tmp_path, *kernel_opts)
    assert f"logs/{log}.log" in error.value.remedy


def test_configure_writes_no_header_and_caches_nothing_when_kbuild_breaks(tmp_path,
                                                                          private_cache):
    options = Options(kernel_dir=str(FAKE), netmap_src=str(NETMAP_TARBALL),
                      build_dir=str(tmp_path / "b"), drivers=[], apps=[], utils=False,
                      kernel_opts=["FAKE_BREAK=1"])
    with pytest.raises(UserError, match="kbuild failed outside the probes"):
        configure(options)
    assert not (tmp_path / "b" / "netmap_linux_config.h").exists()
    assert not (tmp_path / "b" / "configure.json").exists()
    cached = [p for p in (private_cache / "probes").glob("*.json")] \
        if (private_cache / "probes").is_dir() else []
    assert all("FAKE" not in p.read_text() for p in cached)
    # a rerun in a sound environment answers (the cache held nothing from the broken run)
    options.kernel_opts = []
    config = configure(options)
    assert any(not outcome.cached for outcome in config.outcomes)
    assert (tmp_path / "b" / "netmap_linux_config.h").is_file()


def fake_options(tmp_path: Path, **changes: object) -> Options:
    options = Options(kernel_dir=str(FAKE), netmap_src=str(NETMAP_TARBALL),
                      build_dir=str(tmp_path / "b"), drivers=[], apps=[], utils=False)
    for name, value in changes.items():
        setattr(options, name, value)
    return options


def test_no_cache_compiles_every_probe_and_refreshes_the_cache(tmp_path):
    first = configure(fake_options(tmp_path))
    assert not any(outcome.cached for outcome in first.outcomes)
    compiled = {outcome.name for outcome in first.outcomes if outcome.log}
    second = configure(fake_options(tmp_path))
    assert {outcome.name for outcome in second.outcomes if outcome.cached} == compiled
    again = configure(fake_options(tmp_path, no_cache=True))
    assert not any(outcome.cached for outcome in again.outcomes)
    assert any("--no-cache" in note for note in again.notes)


@pytest.mark.parametrize("where", ["build_dir", "kernel_dir"])
def test_a_path_kbuild_cannot_take_is_refused_before_any_work(tmp_path, where):
    spaced = tmp_path / "with space"
    if where == "kernel_dir":
        shutil.copytree(FAKE, spaced)
    options = fake_options(tmp_path, **{where: str(spaced / ("b" if where == "build_dir" else ""))})
    with pytest.raises(UserError, match="holds a space, which kbuild cannot take") as error:
        configure(options)
    assert f"--{where.replace('_', '-')}" in error.value.remedy
    assert not (tmp_path / "b").exists() and not (spaced / "b").exists()


def test_another_compiler_behind_the_same_name_reuses_no_answer(tmp_path, monkeypatch):
    assert not any(o.cached for o in configure(fake_options(tmp_path)).outcomes)
    wrapper = tmp_path / "bin" / "gcc"
    wrapper.parent.mkdir()
    real = shutil.which("gcc")
    wrapper.write_text(f'#!/bin/sh\n[ "$1" = --version ] && {{ echo "gcc (another) 99"; exit 0; }}\n'
                       f'exec {real} "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{wrapper.parent}:{os.environ['PATH']}")
    again = configure(fake_options(tmp_path))
    assert not any(o.cached for o in again.outcomes)
