import json

from buildsys.probing import config_header
from buildsys.probing.cache import ProbeCache
from kernel_probes.record import define, have

FINGERPRINT = {"release": "6.12.1", "config": "abc"}


def test_cache_round_trip_and_kernel_key(tmp_path):
    cache = ProbeCache(FINGERPRINT, tmp_path)
    cache.save({"k1": True, "k2": False})
    again = ProbeCache(FINGERPRINT, tmp_path)
    again.load()
    assert again.answers == {"k1": True, "k2": False}
    other = ProbeCache({**FINGERPRINT, "release": "6.1.1"}, tmp_path)
    other.load()
    assert other.answers == {}


def test_corrupt_cache_is_reported_and_ignored(tmp_path):
    cache = ProbeCache(FINGERPRINT, tmp_path)
    cache.save({"k1": True})
    data = json.loads(cache.path.read_text())
    data["answers"]["k1"] = False  # tampered: checksum no longer matches
    cache.path.write_text(json.dumps(data))
    again = ProbeCache(FINGERPRINT, tmp_path)
    again.load()
    assert again.answers == {} and "corrupt" in (again.problem or "")
    cache.path.write_text("{trunc")
    again.load()
    assert again.problem


def test_header_is_written_only_when_it_changes(tmp_path):
    path = tmp_path / "netmap_linux_config.h"
    defines = [have("IOMMU"), define("TIMER_RTYPE", "enum hrtimer_restart")]
    assert config_header.write(path, defines)
    mtime = path.stat().st_mtime_ns
    assert not config_header.write(path, defines)
    assert path.stat().st_mtime_ns == mtime
    assert config_header.parse(path.read_text()) == {
        "NETMAP_LINUX_HAVE_IOMMU": "", "NETMAP_LINUX_TIMER_RTYPE": "enum hrtimer_restart"}


def test_parse_keeps_the_last_definition():
    text = "#define NETMAP_LINUX_A 2\n#define NETMAP_LINUX_A 1\n"
    assert config_header.parse(text) == {"NETMAP_LINUX_A": "1"}
