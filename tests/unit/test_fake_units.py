"""Unit planning (buildsys/probing/units.py): which probes share a translation unit, which
are compiled alone, and that the plan is the same every time.  Pure planning, no compiler:
what the compiler makes of the plans is in test_fake_attribution.py."""

from __future__ import annotations

import pytest

from buildsys.probing.csource import split_includes
from buildsys.probing.units import BOILERPLATE, Unit, plan_units
from drivers.catalog import DRIVER_PROBES
from kernel_probes import all_probes
from kernel_probes.record import Probe

NETDEV = "#include <linux/netdevice.h>\n"


def probe(name: str, code: str, cflags: tuple[str, ...] = (), driver: str | None = None) -> Probe:
    return Probe(name, code, "test", cflags=cflags, driver=driver)


def partition(units: list[Unit]) -> list[tuple[str, ...]]:
    """Which probes share a unit, whatever the units' names and order."""
    return sorted(tuple(sorted(unit.probes)) for unit in units)


def every_compile_probe() -> list[Probe]:
    """The real probes: generic ones and every driver's."""
    return [p for p in all_probes(DRIVER_PROBES.values()) if isinstance(p, Probe)]


@pytest.mark.parametrize("code", [
    NETDEV + "#define NM_X 1\nint f(void) { return NM_X; }\n",
    NETDEV + "#if 1\nint f(void) { return 0; }\n#endif\n",
    NETDEV + '#pragma GCC diagnostic error "-Wall"\nint f(void) { return 0; }\n',
    "int f(void);\n" + NETDEV,
], ids=["define", "if", "pragma", "include-after-code"])
def test_a_snippet_with_other_preprocessor_lines_is_compiled_alone_in_upstream_text(code):
    units = plan_units([probe("odd", code), probe("plain", NETDEV + "int g;\n")])
    assert partition(units) == [("odd",), ("plain",)]
    (alone,) = [u for u in units if u.probes == ("odd",)]
    # upstream's add_named_test: the three boilerplate includes, the snippet as written,
    # MODULE_LICENSE; the region is exactly the snippet's lines
    expected = "".join(f"#include {h}\n" for h in BOILERPLATE) + code + 'MODULE_LICENSE("GPL");\n'
    assert alone.text == expected
    region = alone.regions[0]
    assert alone.text.splitlines()[region.first - 1:region.last] == code.splitlines()


SKBUFF = "#include <linux/skbuff.h>\n"


@pytest.mark.parametrize(("first", "second", "merged"), [
    (NETDEV, NETDEV, True),
    (NETDEV, SKBUFF, False),
    (NETDEV, NETDEV + SKBUFF, False),
    (NETDEV + SKBUFF, SKBUFF + NETDEV, False),
], ids=["same", "other", "superset", "other-order"])
def test_only_exactly_the_same_includes_share_a_unit(first, second, merged):
    units = plan_units([probe("a", first + "int a;\n"), probe("b", second + "int b;\n")])
    assert partition(units) == ([("a", "b")] if merged else [("a",), ("b",)])


def test_conflicting_flags_split_and_each_unit_keeps_its_own():
    units = plan_units([
        probe("one", NETDEV + "int one;\n", ("-DNM_X=1",)),
        probe("two", NETDEV + "int two;\n", ("-DNM_X=2",)),
        probe("one_too", NETDEV + "int one_too;\n", ("-DNM_X=1",)),
    ])
    assert {u.probes: u.cflags for u in units} == {
        ("one", "one_too"): ("-DNM_X=1",), ("two",): ("-DNM_X=2",)}


def test_a_clash_is_renamed_around_each_body_only_and_undone_after_it():
    units = plan_units([
        probe("a", NETDEV + "static int dummy(struct net_device *d) { return d->mtu; }\n"),
        probe("b", NETDEV + "static void dummy(struct net_device *d) { (void)d; }\n"),
        probe("c", NETDEV + "int only_c;\n"),
    ])
    (unit,) = units
    lines = unit.text.splitlines()
    a, b, c = unit.regions
    assert lines[a.first - 2] == "#define dummy nmprobe0_dummy"
    assert lines[a.last] == "#undef dummy"
    assert lines[b.first - 2] == "#define dummy nmprobe1_dummy"
    assert lines[b.last] == "#undef dummy"
    # a name only one body declares is left alone
    assert "nmprobe2_" not in unit.text and lines[c.first - 2] == "#undef dummy"


def test_a_name_one_body_declares_and_another_uses_is_renamed_in_the_declaring_body():
    # the user sees what it sees alone (no nm_len_t), and a line after every body fails
    # if the headers declare nm_len_t themselves (then each probe is compiled alone)
    units = plan_units([
        probe("decl", NETDEV + "typedef unsigned int nm_len_t;\n"),
        probe("user", NETDEV + "nm_len_t nm_len(struct net_device *d) { return d->mtu; }\n"),
        probe("bystander", NETDEV + "int nm_other;\n"),
    ])
    assert partition(units) == [("bystander", "decl", "user")]
    (unit,) = units
    lines = unit.text.splitlines()
    decl = unit.regions[0]
    assert lines[decl.first - 2] == "#define nm_len_t nmprobe0_nm_len_t"
    assert lines[decl.last] == "#undef nm_len_t"
    assert "nmprobe1_" not in unit.text and "nmprobe2_" not in unit.text
    assert lines[-2:] == ['MODULE_LICENSE("GPL");', "typedef struct nmprobe_check_nm_len_t *nm_len_t;"]


def test_a_body_using_a_struct_another_declares_is_compiled_alone():
    units = plan_units([
        probe("decl", NETDEV + "struct nm_ring { int head; };\n"),
        probe("user", NETDEV + "int nm_head(struct nm_ring *r) { return r->head; }\n"),
    ])
    assert partition(units) == [("decl",), ("user",)]


def test_driver_source_probes_share_a_unit_per_source_and_never_with_kernel_probes():
    # a quoted include of a driver's copied source is shared like a kernel header
    units = plan_units([
        probe("drv_open", '#include "fakedrv/fake_main.c"\nint a(void) { return 0; }\n',
              driver="fakedrv"),
        probe("drv_old", '#include "fakedrv/fake_main.c"\nint b(void) { return 1; }\n',
              driver="fakedrv"),
        probe("drv_hw", '#include "fakedrv/fake_hw.h"\nint c;\n', driver="fakedrv"),
        probe("kernel", NETDEV + "int d;\n"),
    ])
    assert partition(units) == [("drv_hw",), ("drv_old", "drv_open"), ("kernel",)]
    (shared,) = [u for u in units if len(u.probes) == 2]
    assert shared.text.count('#include "fakedrv/fake_main.c"') == 1
    assert shared.header_lines == len(BOILERPLATE) + 1


def test_the_real_probes_plan_the_same_units_every_time():
    probes = every_compile_probe()
    first, second = plan_units(probes), plan_units(list(probes))
    assert first == second
    # names are unique and the plan does not depend on the order the probes come in
    assert len({u.name for u in first}) == len(first)
    assert partition(plan_units(probes[::-1])) == partition(first)


def test_the_real_probes_are_each_planned_once_with_their_body_where_the_region_says():
    probes = every_compile_probe()
    units = plan_units(probes)
    planned = [name for unit in units for name in unit.probes]
    assert sorted(planned) == sorted(p.name for p in probes)
    code = {p.name: p.code for p in probes}
    for unit in units:
        lines = unit.text.splitlines()
        assert all(line.startswith("#include ") for line in lines[:unit.header_lines])
        # then, after every body, the checks that no renamed name is the headers' too
        end = lines.index('MODULE_LICENSE("GPL");')
        assert end + 1 > max(region.last for region in unit.regions)  # 1-based
        assert all(line.startswith(("typedef struct nmprobe_check_", "enum "))
                   for line in lines[end + 1:])
        for region in unit.regions:
            split = split_includes(code[region.probe])
            # a unit of shared includes holds the bodies; one compiled alone, the snippet
            body = split[1] if unit.header_lines and split else code[region.probe]
            # a snippet of includes only (page_ref) keeps a region of one empty line
            expected = body.strip("\n").splitlines() or [""]
            assert lines[region.first - 1:region.last] == expected, (unit.name, region.probe)
