"""The repository's code rules fail when broken: the layers contract (.importlinter) on an import
running upward, ruff on a lint or format violation, and no module importing another package's
private names. Each is run on a temporary copy with a violation planted."""

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import ROOT

TOOLS = Path(sys.executable).parent  # ruff and lint-imports, installed with the tests' requirements


def package_of(module: str) -> str:
    """The package a module of papers belongs to: papers.claims for papers.claims.review."""
    return ".".join(module.split(".")[:2])


def private_imports(root: Path) -> list[str]:
    """Every import, under root/papers, of a private name (or a private module) of another package
    of papers: what a package keeps to itself is not another's to use (STYLE: a helper another
    package needs is public)."""
    found = []
    for path in sorted((root / "papers").rglob("*.py")):
        module = ".".join(path.relative_to(root).with_suffix("").parts).removesuffix(".__init__")
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("papers."):
                continue
            if package_of(node.module) == package_of(module):
                continue
            names = [node.module] if any(part.startswith("_") for part in node.module.split(".")) else []
            names += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
            found += [f"{module}:{node.lineno} imports {name}" for name in names if not name.endswith("__")]
    return found


@pytest.fixture
def checkout(tmp_path):
    """The code and the lint configuration, copied: a violation is planted in the copy only."""
    for name in ("papers", "myeloma_lit", "benchmarks"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in (".importlinter", "pyproject.toml"):
        shutil.copy2(ROOT / name, tmp_path / name)
    return tmp_path


def plant(path: Path, line: str) -> None:
    path.write_text(path.read_text() + line)


def run(checkout: Path, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(TOOLS / command[0]), *command[1:]],
        cwd=checkout,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(checkout)},
        capture_output=True,
        text=True,
    )


def test_no_package_imports_another_packages_private_names():
    assert private_imports(ROOT) == []


def test_a_private_name_imported_from_another_package_is_found(checkout):
    plant(checkout / "papers/claims/extraction.py", "\nfrom papers.tagging.matcher import _planted\n")
    plant(checkout / "papers/site/forms.py", "\nfrom papers.search._planted import name\n")
    plant(checkout / "papers/search/query.py", "\nfrom papers.search.scope import _own_package\n")
    found = private_imports(checkout)
    assert [f.split(" imports ")[1] for f in found] == ["papers.tagging.matcher._planted", "papers.search._planted"]


def test_the_layers_contract_fails_on_an_upward_import(checkout):
    assert run(checkout, "lint-imports").returncode == 0
    plant(checkout / "papers/catalogue/markup.py", "\nfrom papers.site import forms  # noqa: E402,F401\n")
    contracts = run(checkout, "lint-imports")
    assert contracts.returncode == 1
    assert "Domains import downward only BROKEN" in contracts.stdout
    assert "papers.catalogue.markup -> papers.site.forms" in contracts.stdout


def test_ruff_fails_on_a_lint_violation_and_on_unformatted_code(checkout):
    lint, formatted = ("ruff", "check", "."), ("ruff", "format", "--check", ".")
    assert "papers/catalogue/markup.py" not in run(checkout, *lint).stdout
    assert "papers/shapes.py" not in run(checkout, *formatted).stdout
    plant(checkout / "papers/catalogue/markup.py", "\nimport os\n")
    plant(checkout / "papers/shapes.py", "\nPLANTED = {'not':'formatted'}\n")
    linted = run(checkout, *lint)
    assert linted.returncode == 1 and "papers/catalogue/markup.py" in linted.stdout and "F401" in linted.stdout
    checked = run(checkout, *formatted)
    assert checked.returncode == 1 and "papers/shapes.py" in checked.stdout


# What only a command or a worker needs, loaded where it is used: every gunicorn worker and every
# import process loads the URLs and the admin, and pays for what they import (networkx was 15 MB
# and 400 modules; scikit-learn with SciPy about 40 MB).
HEAVY = ("networkx", "sklearn", "scipy")


def test_the_site_and_the_admin_load_no_heavy_package():
    probe = (
        "import sys, django; django.setup();"
        " import django.urls, myeloma_lit.wsgi; django.urls.resolve('/');"
        " from papers.pubmed import importer, runs;"
        f" print([name for name in {HEAVY!r} if name in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "myeloma_lit.settings", "SECRET_KEY": "x"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
