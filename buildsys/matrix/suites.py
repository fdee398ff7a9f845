"""The Debian suites that carry kernels today, and the series each offers.

Which releases exist comes from Debian's own ``distro-info-data`` (its ``debian.csv``):
those released and not past their LTS end, with their ``-backports``, then testing and
unstable.  Which kernel series a suite holds comes from its package lists.  Nothing here
lists a kernel series.
"""

from __future__ import annotations

import csv
import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from buildsys.core.errors import UserError
from buildsys.debian import kernel_packages, private_apt

DISTRO_INFO = Path("/usr/share/distro-info/debian.csv")
FLAVOUR = "amd64"


@dataclass(frozen=True)
class Offer:
    """The newest release of a series in one suite."""

    series: str
    suite: str
    release: str  # 7.2.12+deb13-amd64


def live_suites(today: datetime.date, csv_path: Path = DISTRO_INFO) -> list[str]:
    """Suites with kernels, oldest release first: each supported release and its
    backports, then testing (created, not released) and unstable (sid)."""
    if not csv_path.is_file():
        raise UserError(f"{csv_path} is missing", "apt-get install distro-info-data")
    suites: list[str] = []
    for row in csv.DictReader(csv_path.read_text().splitlines()):
        codename, created = row.get("series", ""), _date(row.get("created"))
        released, end = _date(row.get("release")), _end_of_support(row)
        if codename in ("sid", "experimental") or created is None or created > today:
            continue
        if released is None:
            suites.append(codename)  # testing
        elif released <= today and (end is None or end > today):
            suites += [codename, f"{codename}-backports"]
    return [*suites, "sid"]


def _date(text: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _end_of_support(row: dict[str, str]) -> datetime.date | None:
    """The last end date the file gives (LTS, then the extended one's is not Debian's)."""
    return _date(row.get("eol-lts")) or _date(row.get("eol"))


def series_offered(names: list[str], suite: str) -> list[Offer]:
    """The newest ``-amd64`` release of each series among ``linux-headers-*`` names
    (never ``-cloud-amd64`` or ``-rt-amd64``)."""
    pattern = re.compile(rf"linux-headers-((\d+\.\d+)\.\d+[^-\s]*(?:-\d+)?-{FLAVOUR})")
    newest: dict[str, str] = {}
    for match in filter(None, map(pattern.fullmatch, names)):
        release, series = match.group(1), match.group(2)
        if series not in newest or kernel_packages.release_key(release) > \
                kernel_packages.release_key(newest[series]):
            newest[series] = release
    return [Offer(series, suite, newest[series])
            for series in sorted(newest, key=kernel_packages.release_key)]


def archive_offers(lists_root: Path, today: datetime.date,
                   say: Callable[[str], object] = lambda _: None) -> list[Offer]:
    """What every live suite offers, read from fresh package lists (a suite the mirror
    does not carry is skipped, and said)."""
    entries = private_apt.system_sources()
    uri = private_apt.archive_uri(entries, private_apt.host_codename())
    offers: list[Offer] = []
    for suite in live_suites(today):
        apt = private_apt.PrivateApt(lists_root / "apt" / suite,
                                     lists_root / "logs" / f"apt-{suite}")
        apt.use(uri, [suite])
        say(f"reading the package lists of {suite}")
        try:
            apt.update()
        except UserError:
            say(f"the mirror has no suite {suite}: skipped")
            continue
        offers += series_offered(apt.names("linux-headers-"), suite)
    return offers


def by_series(offers: list[Offer]) -> dict[str, list[Offer]]:
    """Each series with the suites offering it, in suite order (oldest release first)."""
    grouped: dict[str, list[Offer]] = {}
    for offer in offers:
        grouped.setdefault(offer.series, []).append(offer)
    return dict(sorted(grouped.items(), key=lambda item: kernel_packages.release_key(item[0])))
