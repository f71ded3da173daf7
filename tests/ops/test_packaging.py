"""What a production install gets: the deployable app `papers` without the benchmark tooling
(the `benchmarks` app, which imports papers and never the reverse), and requirements.txt
without the tests' packages (requirements-test.txt, which includes it)."""

import ast
import importlib.util
import pkgutil
import re
from importlib import metadata
from pathlib import Path

from django.core.management import get_commands
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import papers
from tests.support.paths import ROOT

TEST_TOOLS = {"pytest", "pytest-django", "playwright", "schemathesis", "hypothesis"}


def imported_modules(module_name: str) -> set[str]:
    """The absolute names a module's source imports (relative imports stay inside its package)."""
    source = importlib.util.find_spec(module_name).origin
    tree = ast.parse(Path(source).read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module)
    return names


def pinned(filename: str) -> set[str]:
    """The package names a requirements file pins itself (not those of a file it includes)."""
    lines = (ROOT / filename).read_text().splitlines()
    return {
        canonicalize_name(re.split(r"[=<>~!\[; ]", line, maxsplit=1)[0])
        for line in map(str.strip, lines)
        if line and not line.startswith(("#", "-"))
    }


def test_the_deployable_app_holds_no_benchmark_code():
    modules = [info.name for info in pkgutil.walk_packages(papers.__path__, "papers.")]

    assert "papers.models" in modules and "papers.api.views" in modules  # the walk saw the app
    assert [name for name in modules if "benchmark" in name or "baseline" in name] == []
    for name in modules:
        leaks = {imported for imported in imported_modules(name) if imported.split(".")[0] == "benchmarks"}
        assert not leaks, f"{name} imports {leaks}"
    assert get_commands()["benchmark"] == "benchmarks"


def test_the_site_requirements_hold_no_test_tool():
    site, tests = pinned("requirements.txt"), pinned("requirements-test.txt")

    assert site and not site & TEST_TOOLS
    assert TEST_TOOLS <= tests
    assert "-r requirements.txt" in (ROOT / "requirements-test.txt").read_text().splitlines()
    assert not site & tests, "a package pinned in both files"


def test_everything_the_site_packages_require_is_in_the_site_requirements():
    site = pinned("requirements.txt")
    missing, seen, todo = set(), set(), list(site)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for line in metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                continue  # an optional extra, or another platform's
            needed = canonicalize_name(requirement.name)
            if needed not in site:
                missing.add(f"{needed} (for {name})")
            todo.append(needed)

    assert not missing, sorted(missing)
