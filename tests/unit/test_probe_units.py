from buildsys.probing.csource import declared_names, split_includes
from buildsys.probing.diagnostics import parse
from buildsys.probing.units import plan_units
from kernel_probes.record import Probe


def probe(name: str, code: str, cflags: tuple[str, ...] = ()) -> Probe:
    return Probe(name, code, "test", cflags=cflags)


def test_declared_names_cover_functions_variables_and_initialisers():
    code = """static u16 sel(struct net_device *dev) { return 0; }
struct net_device_ops ndo = { .ndo_select_queue = sel, };
extern struct netmap_adapter *na;
struct net_device *alloc(int n, void (*setup)(struct net_device *)) { return 0; }"""
    assert declared_names(code) == {"sel", "ndo", "na", "alloc"}


def test_only_leading_system_includes_are_mergeable():
    assert split_includes("#include <a.h>\nint x;") == (("<a.h>",), "int x;")
    assert split_includes('#include "realtek/r8169_main.c"\nint x;') == (
        ('"realtek/r8169_main.c"',), "int x;")
    assert split_includes("#include <a.h>\n#pragma GCC diagnostic error \"-Wx\"\nint x;") is None
    assert split_includes("int x;\n#include <a.h>") is None


def test_probes_with_the_same_headers_share_a_unit_and_clashes_are_renamed():
    units = plan_units([
        probe("a", "#include <linux/netdevice.h>\nint dummy;"),
        probe("b", "#include <linux/netdevice.h>\nint dummy(void) { return 1; }"),
        probe("c", "#include <linux/skbuff.h>\nint dummy;"),
    ])
    assert [u.probes for u in units] == [("a", "b"), ("c",)]
    text = units[0].text
    assert "#define dummy nmprobe0_dummy" in text and "#define dummy nmprobe1_dummy" in text


def test_flags_keep_probes_apart_and_a_used_name_is_renamed_where_declared():
    units = plan_units([
        probe("decl", "#include <linux/netdevice.h>\nextern int *na;"),
        probe("user", "#include <linux/netdevice.h>\nint *f(void) { return na; }"),
        probe("flagged", "#include <linux/netdevice.h>\nint x;", ("-Ifoo",)),
    ])
    assert sorted(u.probes for u in units) == [("decl", "user"), ("flagged",)]
    shared = next(u for u in units if len(u.probes) == 2)
    assert "#define na nmprobe0_na" in shared.text
    assert shared.text.endswith("typedef struct nmprobe_check_na *na;\n")


def test_a_body_using_a_tag_only_another_defines_is_compiled_alone():
    # tags are renamed only where two bodies define them: no check can see a tag the
    # headers only declare, so a body using another's tag is not merged with it
    units = plan_units([
        probe("decl", "#include <x.h>\nstruct nm_ring { int head; };"),
        probe("user", "#include <x.h>\nint nm_head(struct nm_ring *r) { return r->head; }"),
        probe("other", "#include <x.h>\nint nm_other;"),
    ])
    assert sorted(u.probes for u in units) == [("decl", "other"), ("user",)]


def test_regions_point_at_each_body():
    unit = plan_units([probe("a", "#include <x.h>\nint a1;\nint a2;"), probe("b", "#include <x.h>\nint b;")])[0]
    lines = unit.text.splitlines()
    for region in unit.regions:
        body = lines[region.first - 1 : region.last]
        assert all(region.probe in line for line in body if line.startswith("int"))


def test_errors_are_attributed_by_line_macro_note_and_include_chain():
    unit = "/b/u0.c"
    output = "\n".join([
        "/b/u0.c: In function 'nmprobe1_dummy':",
        "/b/u0.c:9:35: error: implicit declaration of function 'netif_rx_ni' [-Werror=x]",
        "./include/linux/foo.h:3:1: error: expected expression",
        "/b/u0.c:12:5: note: in expansion of macro 'FOO'",
        "In file included from /b/u0.c:5:",
        "./include/linux/bar.h:1:10: fatal error: baz.h: No such file or directory",
        "cc1: all warnings being treated as errors",
        "/b/u0.c:14:1: warning: unused variable 'x' [-Wunused-variable]",
        "/b/other.c:1:1: error: not ours",
    ])
    found = parse(output, unit)
    assert [e.unit_lines for e in found] == [(9,), (12,), (5,), ()]
    assert found[-1].text == "/b/other.c:1:1: error: not ours"


def test_an_error_at_a_rename_line_belongs_to_the_body_that_expands_it():
    unit = plan_units([
        probe("a", "#include <x.h>\nint f(void) { return 0; }\nint *p = f;"),
        probe("b", "#include <x.h>\nint f(void) { return 1; }"),
    ])[0]
    rename_line = unit.text.splitlines().index("#define f nmprobe0_f") + 1
    use_line = unit.regions[0].last
    output = (f"/b/{unit.name}.c:{rename_line}:11: error: initialization of 'int *' from 'int (*)(void)'\n"
              f"/b/{unit.name}.c:{use_line}:10: note: in expansion of macro 'f'")
    (error,) = parse(output, f"/b/{unit.name}.c")
    # the rename line is a's (gcc places an error on a renamed name where it is spelt)
    assert unit.probe_at(error.unit_lines[0]) == "a" and unit.probe_at(error.unit_lines[1]) == "a"
