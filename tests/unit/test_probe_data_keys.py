"""A probe's cache key: what decides its answer, never the note that documents it."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace
from typing import cast

from buildsys.configure.record import Configuration
from buildsys.configure.run import _probe_key
from buildsys.probing.cache import answer_fields
from kernel_probes import AnyProbe
from kernel_probes.record import ExportedSymbol, Probe, have

PROBE = Probe("iommu", "#include <linux/iommu.h>\nvoid dummy(void) {}\n",
              "linux/iommu.h exists (2.6.x)", on_success=(have("IOMMU"),))
FLAGS = ["-Werror", "-Wno-error=attributes"]


def key(record: AnyProbe, ccflags: list[str] = FLAGS, kernel_opts: tuple[str, ...] = ()) -> str:
    # the key reads only these two fields: a stand-in, not a configure run
    config = cast(Configuration, SimpleNamespace(
        options=SimpleNamespace(kernel_opts=list(kernel_opts)),
        selection=SimpleNamespace(kernel_sources=None)))
    return _probe_key(record, ccflags, config)


def test_records_differing_only_in_their_note_share_a_key():
    renoted = dataclasses.replace(PROBE, note="another comment entirely")
    assert key(renoted) == key(PROBE)
    symbol = ExportedSymbol("split_page_exported", "split_page", "one note")
    assert key(dataclasses.replace(symbol, note="another")) == key(symbol)


def test_what_decides_the_answer_changes_the_key():
    assert key(dataclasses.replace(PROBE, code=PROBE.code + "/* edited */\n")) != key(PROBE)
    assert key(dataclasses.replace(PROBE, cflags=("-DX",))) != key(PROBE)
    assert key(dataclasses.replace(PROBE, on_success=(have("OTHER"),))) != key(PROBE)
    assert key(dataclasses.replace(PROBE, name="iommu2")) != key(PROBE)
    assert key(PROBE, ccflags=["-Werror"]) != key(PROBE)
    assert key(PROBE, kernel_opts=("CC=clang",)) != key(PROBE)


def test_the_key_fields_are_all_but_the_note():
    fields = answer_fields(PROBE)
    assert set(fields) == {f.name for f in dataclasses.fields(Probe)} - {"note"}
    assert fields["code"] == PROBE.code
