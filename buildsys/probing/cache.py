"""Probe answers cached per kernel, keyed by content, never by path.

One file per kernel fingerprint (release, ``.config``, ``Module.symvers``,
generated headers, compiler).  Inside it each answer is keyed by a digest of
the probe record and the flags it was compiled with, so a changed probe
reruns alone and a different kernel at the same path reuses nothing.  The
record's documentation (its ``note``) is left out of the key: editing a
comment reruns nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, is_dataclass
from pathlib import Path

from buildsys.core.locking import locked, sweep_temporaries, write_atomic

# 2: answers only from batches whose canaries passed (schema 1 files may hold the
# answers of a batch kbuild failed as a whole: never read back)
SCHEMA = 2


def cache_root() -> Path:
    explicit = os.environ.get("NETMAP_BUILD_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "netmap-build"


# record fields that only document a probe: they change no answer
DOCUMENTATION_FIELDS = frozenset({"note"})


def answer_fields(record: object) -> dict[str, object]:
    """A probe record's fields that decide its answer: all but its documentation."""
    assert is_dataclass(record) and not isinstance(record, type)
    return {name: value for name, value in asdict(record).items()
            if name not in DOCUMENTATION_FIELDS}


def digest(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=_plain).encode()).hexdigest()


def _plain(value: object) -> object:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return str(value)


class ProbeCache:
    """The cached answers for one kernel fingerprint."""

    def __init__(self, fingerprint: dict[str, str], root: Path | None = None) -> None:
        self.key = digest(fingerprint)
        self.path = (root or cache_root()) / "probes" / f"{self.key}.json"
        self.answers: dict[str, bool] = {}
        self.problem: str | None = None

    def load(self) -> None:
        """Read the file; a corrupt one is noted in ``problem`` and ignored."""
        self.answers, self.problem = read_answers(self.path)

    def save(self, new_answers: dict[str, bool]) -> None:
        """Add ``new_answers`` to the file (merged with what other runs saved there) and to
        this run's answers, which never take the file's others (``--no-cache`` compiles
        every probe even when a cache exists)."""
        with locked(self.path.with_suffix(".lock")):
            sweep_temporaries(self.path.parent, [self.path.name])
            merged = {**read_answers(self.path)[0], **new_answers}
            payload = {"schema": SCHEMA, "answers": merged, "check": digest(merged)}
            write_atomic(self.path, json.dumps(payload, indent=1, sort_keys=True) + "\n")
        self.answers.update(new_answers)


def read_answers(path: Path) -> tuple[dict[str, bool], str | None]:
    if not path.is_file():
        return {}, None
    try:
        data = json.loads(path.read_text())
        answers = data["answers"]
        if data["schema"] != SCHEMA or data["check"] != digest(answers):
            raise ValueError("checksum mismatch")
        return {str(k): bool(v) for k, v in answers.items()}, None
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        return {}, f"probe cache {path} was corrupt ({error}); rebuilding it"
