"""`manage.py benchmark --compare REF`: this version's figures against another commit's, measured
on the same machine, in turn; or, given BASE..TIP, one landed change alone (TIP against BASE).

REF is checked out into a temporary git worktree with its own virtual environment (pip installs
its requirements.txt, from pip's cache when it can). Each version first builds its corpus once,
with its own code, into a throw-away database kept for the comparison. Then each round runs, for
both versions one after the other, a new process of the version's own (benchmarks.worker): an
import from empty, timed beside parsing alone, and the public pages timed on its kept corpus. The
order is swapped every round, and each figure is the median of its rounds.

Why kept corpora and a process a round: on a shared machine a process keeps its speed for its life
(the same code's pages differ by 15-30 % from one process to the next), and load drifts over
minutes. Building a corpus takes minutes, timing the pages one; so more, shorter rounds, each in
a fresh process, spread both over both versions. A figure only one version measures (an older
benchmark measures less) is shown as such.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

from benchmarks import report

WORKER = Path(__file__).with_name("worker.py")
WORSE = 0.10  # a figure worse than REF's by more than this is marked
# Figures that describe the run, not its speed.
_NOT_MEASURES = {
    "database",
    "papers",
    "public",
    "samples",
    "corpus",
    "targets",
    "last_import",
    "records",
    "runs",
    "n",
    "pages",
    "deep_page",
    "query",
    "sentences",
}


class CompareError(Exception):
    """REF could not be checked out, installed or benchmarked."""


def run(ref: str, options: dict, rounds: int, same_corpus: bool = False) -> dict:
    """Both versions' figures (a list per round each) and the ratios of their medians. REF may be
    a range BASE..TIP (git's spelling): then TIP is measured against BASE, both checked out, which
    is how a change that has landed is measured alone. With `same_corpus`, the new version reads a
    copy of REF's corpus brought to its schema: the code's speed apart from what its own import and
    tagger would have stored."""
    root = Path(settings.BASE_DIR)
    base, _, tip = ref.partition("..")
    with tempfile.TemporaryDirectory(prefix="benchmark-compare-") as tmp:
        trees = {"ref": Path(tmp) / "ref"} | ({"new": Path(tmp) / "new"} if tip else {})
        versions = {"new": Version("new", [sys.executable, str(root / "manage.py")], root, _kept(tmp, "new"))}
        built = []
        try:
            for name, tree in trees.items():
                _run(
                    ["git", "-C", str(root), "worktree", "add", "--detach", str(tree), tip if name == "new" else base],
                    "check out",
                )
                python = _environment(tree)
                versions[name] = Version(name, [str(python), str(tree / "manage.py")], tree, _kept(tmp, name))
            corpora = {}
            for name in ("ref", "new"):
                built.append(name)
                if name == "new" and same_corpus:
                    _copy(versions["ref"].kept, versions["new"].kept)
                    corpora["new"] = corpora["ref"] | _step(versions["new"], "adopt", options)
                else:
                    corpora[name] = _step(versions[name], "build", options)
            figures = {"new": [], "ref": []}
            for round_ in range(rounds):
                for name in ("new", "ref") if round_ % 2 == 0 else ("ref", "new"):
                    figures[name].append(corpora[name] | _step(versions[name], "round", options))
            figures["new"][-1]["targets"] = report.checks(figures["new"][-1])
        finally:
            for name in built:
                _step(versions[name], "drop", options, check=False)
            for tree in trees.values():
                subprocess.run(
                    ["git", "-C", str(root), "worktree", "remove", "--force", str(tree)], capture_output=True
                )
    return {
        "ref": ref,
        "rounds": rounds,
        "same_corpus": same_corpus,
        "figures": figures,
        "ratios": ratios(figures["new"], figures["ref"]),
    }


@dataclass(frozen=True)
class Version:
    """One side of the comparison: its manage.py (with its interpreter), its tree and its kept corpus."""

    name: str
    manage: list[str]
    tree: Path
    kept: str


def _kept(tmp: str, name: str) -> str:
    """The kept throw-away database of a version: a PostgreSQL database beside the configured one,
    or an SQLite file in the comparison's temporary folder."""
    if connection.vendor == "sqlite":
        return str(Path(tmp) / f"{name}-benchmark.sqlite3")
    return f"{connection.settings_dict['NAME']}_benchmark_{name}"


def _copy(source: str, target: str) -> None:
    """The kept database `source`, copied as `target` (its process has ended)."""
    if connection.vendor == "sqlite":
        shutil.copyfile(source, target)
    else:
        with connection.cursor() as cursor:
            quoted = connection.ops.quote_name
            cursor.execute(f"CREATE DATABASE {quoted(target)} TEMPLATE {quoted(source)}")


def _environment(tree: Path) -> Path:
    """A virtual environment with REF's requirements, inside its worktree."""
    _run([sys.executable, "-m", "venv", str(tree / ".venv")], "make a virtual environment for")
    python = tree / ".venv" / "bin" / "python"
    _run([str(python), "-m", "pip", "install", "--quiet", "-r", str(tree / "requirements.txt")], "install")
    return python


def _step(version: Version, step: str, options: dict, check: bool = True) -> dict:
    """One step of benchmarks.worker in a new process of the version's own `manage.py shell`:
    its figures."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "BENCHMARKS": "1",  # the benchmark command's app, installed only where asked for
        "BENCHMARK_STEP": step,
        "BENCHMARK_KEPT": version.kept,
        "BENCHMARK_OPTIONS": json.dumps(options),
    }
    print(f"benchmark --compare: {step} {version.name}…", file=sys.stderr, flush=True)
    result = subprocess.run(
        [*version.manage, "shell", "--verbosity", "0", "--command", WORKER.read_text() + "\nmain()\n"],
        cwd=version.tree,
        env=env,
        stdout=subprocess.PIPE,
        stderr=sys.stderr,
        text=True,
    )
    if result.returncode and check:
        raise CompareError(f"the {version.name} version's step {step} failed (exit status {result.returncode}).")
    return json.loads(result.stdout.splitlines()[-1]) if not result.returncode else {}


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        raise CompareError(f"could not {what} {command[-1]}: {result.stderr.strip()[-500:]}")


def flatten(figures: dict, prefix: str = "") -> dict[str, float]:
    """The numeric measures of one run, by path ("browse.topic.page.p95"); lists (per query) and
    the run's description are left out."""
    flat = {}
    for key, value in (figures or {}).items():
        if key in _NOT_MEASURES:
            continue
        if isinstance(value, dict):
            flat |= flatten(value, f"{prefix}{key}.")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            flat[f"{prefix}{key}"] = value
    return flat


def ratios(new: list[dict], ref: list[dict]) -> dict[str, dict]:
    """Per measure: the median of each version's rounds, new ÷ REF, and whether new is worse by
    more than WORSE (a rate is worse lower, everything else higher)."""
    new_runs, ref_runs = [flatten(f) for f in new], [flatten(f) for f in ref]
    rows = {}
    for name in dict.fromkeys([*new_runs[0], *ref_runs[0]]):
        a, b = _median(new_runs, name), _median(ref_runs, name)
        row = {"new": a, "ref": b, "ratio": None, "worse": False}
        if a is not None and b is not None and b > 0 and a >= 0:
            row["ratio"] = round(a / b, 2)
            row["worse"] = a < b * (1 - WORSE) if name.endswith("_per_s") else a > b * (1 + WORSE)
        rows[name] = row
    return rows


def _median(runs: list[dict], name: str) -> float | None:
    values = [run[name] for run in runs if run.get(name) is not None]
    return round(statistics.median(values), 2) if values else None


def table(compared: dict) -> list[str]:
    """Lines of the printed comparison: one row per measure, marked when worse."""
    base, _, tip = compared["ref"].partition("..")
    new = tip or "new"
    lines = [
        f"{new} ÷ {base}, median of {compared['rounds']} round(s) each, rounds alternating"
        f"{f', both reading {base}’s corpus' if compared.get('same_corpus') else ''};"
        f" ! marks a figure worse by more than {WORSE:.0%}",
        "",
        f"  {'measure':<52} {new[:10]:>10} {base[:10]:>10} {'ratio':>7}",
    ]
    for name, row in compared["ratios"].items():
        if row["new"] is None or row["ref"] is None:
            only = f"only {new}" if row["ref"] is None else f"only {base}"
            lines.append(f"  {name:<52} {_shown(row['new']):>10} {_shown(row['ref']):>10} {only}")
            continue
        ratio = "-" if row["ratio"] is None else f"{row['ratio']:.2f}"
        lines.append(
            f"  {name:<52} {_shown(row['new']):>10} {_shown(row['ref']):>10} {ratio:>7}{' !' if row['worse'] else ''}"
        )
    # The targets this version is held to alone (the claim pages, which older versions lack).
    lines += ["", "targets, new (last round)"] + [
        f"  {name:<52} {_shown(check['value']):>10} {check['target']:>10} "
        f"{ {True: 'met', False: 'NOT MET', None: 'not measured'}[check['met']] }"
        for name, check in compared["figures"]["new"][-1].get("targets", {}).items()
    ]
    worse = [name for name, row in compared["ratios"].items() if row["worse"]]
    lines += ["", f"{len(worse)} figure(s) worse by more than {WORSE:.0%}" + (": " + ", ".join(worse) if worse else "")]
    return lines


def _shown(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"
