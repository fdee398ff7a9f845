"""The engine's layout holds what the README's "How it is built" says of it."""

from __future__ import annotations

import ast
import re

from tests.conftest import REPO

BUILDSYS = REPO / "buildsys"


def packages() -> list[str]:
    return sorted(p.name for p in BUILDSYS.iterdir() if (p / "__init__.py").is_file())


def test_each_stage_package_says_what_it_owns_in_one_line() -> None:
    for name in packages():
        doc = ast.get_docstring(ast.parse((BUILDSYS / name / "__init__.py").read_text()))
        assert doc and "\n" not in doc.strip(), name


def test_the_readme_module_map_lists_every_package() -> None:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## How it is built", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"^\| `buildsys/(\w+)/` \|", section, re.MULTILINE))
    assert listed == set(packages())


def test_nothing_below_dodo_imports_doit() -> None:
    for path in BUILDSYS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("doit"), path
            elif isinstance(node, ast.Import):
                assert not any(a.name.startswith("doit") for a in node.names), path


def test_no_engine_module_is_left_beside_the_packages() -> None:
    assert sorted(p.name for p in BUILDSYS.glob("*.py")) == ["__init__.py"]
