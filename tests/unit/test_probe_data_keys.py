"""A probe's cache key: what decides its answer, never the note that documents it."""

from __future__ import annotations

import dataclasses

from buildsys.configure.run import _probe_key
from buildsys.probing.cache import answer_fields
from kernel_probes import AnyProbe
from kernel_probes.record import ExportedSymbol, Probe, have

PROBE = Probe("iommu", "#include <linux/iommu.h>\nvoid dummy(void) {}\n",
              "linux/iommu.h exists (2.6.x)", on_success=(have("IOMMU"),))
FLAGS = ["-Werror", "-Wno-error=attributes"]


def key(record: AnyProbe, ccflags: list[str] = FLAGS, kernel_opts: tuple[str, ...] = ()) -> str:
    return _probe_key(record, ccflags, list(kernel_opts), None)  # no driver sources


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
