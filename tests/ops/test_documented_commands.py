"""Every command the README and the docs show, run exactly as written in a fresh copy of the
checkout after `./start --setup`, with no variable exported: each succeeds, or fails with a
one-line reason (never a traceback). The commands are read from the documents' `sh` code
blocks, so the test follows the docs; the few that cannot run here are listed with the reason.

The copy is made of the checkout's files as they are (tracked and new, not ignored), with the
shared .venv linked in. Imports first run as ./start leaves the checkout (no NCBI_EMAIL: each is
refused in one line), then as the README says to set it up: NCBI_EMAIL in .env, and, standing in
for NCBI through the app's own setting, EUTILS_BASE_URL naming the local recorded E-utilities
server.
"""

import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tests.support.paths import ROOT

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHELLS = {"sh", "bash", "shell"}

SUITE = "the test suite itself (this test is part of it)"
PRODUCTION = "production: needs the exports above it, whose values (…) are the operator's; tests/ops/test_deploy.py runs this configuration"  # noqa: E501
SERVED = "asks the site serving on port 8000, which other checkouts on a shared machine may hold; tests/api/test_api.py asks the same"  # noqa: E501
NOT_RUN = {
    "./start": "serves on port 8000 until stopped; this test runs ./start --setup, the same steps without serving",
    "./run-tests": SUITE,
    "DATABASE_URL=postgres://postgres@127.0.0.1:5432/myeloma_lit ./run-tests": SUITE,
    "createdb myeloma_lit": "creates a PostgreSQL database of a name another checkout may use",
    "export DATABASE_URL=postgres://USER:PASSWORD@HOST:5432/myeloma_lit": "USER, PASSWORD and HOST are the reader's",
    "export SECRET_KEY=… ALLOWED_HOSTS=lit.example.org DATABASE_URL=postgres://myeloma_lit:…@db:5432/myeloma_lit": PRODUCTION,  # noqa: E501
    "export HTTPS=1 TRUST_X_FORWARDED_PROTO=1 CSRF_TRUSTED_ORIGINS=https://lit.example.org": PRODUCTION,
    "export STATIC_MANIFEST=1 STATIC_ROOT=/srv/myeloma-lit/static TASKS_BACKEND=database LOG_FORMAT=json NCBI_EMAIL=operator@example.org": PRODUCTION,  # noqa: E501
    "export CACHE_URL=redis://127.0.0.1:6379/0 TRUSTED_PROXIES=1": PRODUCTION,
    ".venv/bin/python manage.py migrate && .venv/bin/python manage.py collectstatic --noinput": PRODUCTION,
    ".venv/bin/python manage.py check --deploy": PRODUCTION,
    ".venv/bin/gunicorn": PRODUCTION,
    "DATABASE_URL=… python ops/loadtest.py --clients 8 --seconds 15 [--only search] [--json]": "a synopsis (… and [optional] parts) of a load test of minutes; tests/ops/test_loadtest.py runs it",  # noqa: E501
    "manage.py benchmark [--papers 100000] [--database NAME] [--repeat 3] [--samples 7] [--json]": "a synopsis ([optional] parts) of a benchmark of many minutes; tests/ops/test_benchmark.py runs a small one",  # noqa: E501
    "manage.py benchmark --compare REF [--rounds 4] [--same-corpus] [the options above]": "a synopsis of two benchmarks of many minutes and a pip install; tests/ops/test_benchmark.py runs the comparison at tiny scale",  # noqa: E501
}


def not_run(command: str) -> str:
    """Why a documented command is not run here ('' when it is)."""
    if command.startswith("curl ") and "http://127.0.0.1:8000/" in command:
        return SERVED
    return NOT_RUN.get(command, "")


# Commands that serve until stopped: they must still be running after a few seconds.
SERVING = {".venv/bin/python manage.py db_worker"}
# Documented examples of files the reader has and a fresh checkout has not.
READERS_FILES = ("pmids.txt", "saved-efetch.xml")
CLEAN_ENV = {name: os.environ[name] for name in ("PATH", "HOME", "LANG", "TMPDIR") if name in os.environ}


def documented_commands() -> list[tuple[str, str]]:
    """(document, command) for each command line of each sh code block, in the documents' order:
    continuation lines joined, comments after a command dropped."""
    commands = []
    for document in DOCUMENTS:
        for token in MarkdownIt().parse(document.read_text()):
            if token.type != "fence" or token.info.strip() not in SHELLS:
                continue
            for line in token.content.replace("\\\n", " ").splitlines():
                command = shell_words(line)
                if command:
                    commands.append((document.relative_to(ROOT).as_posix(), command))
    return commands


def shell_words(line: str) -> str:
    """The line without a trailing `# comment` (a # inside quotes is kept), spaces trimmed."""
    quote = ""
    for at, char in enumerate(line):
        if char in "'\"" and quote in ("", char):
            quote = "" if quote else char
        elif char == "#" and not quote and (at == 0 or line[at - 1].isspace()):
            return line[:at].strip()
    return line.strip()


def fresh_checkout(path: Path) -> Path:
    """The checkout's files as they are now (tracked and new, not ignored), the shared .venv linked."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (path / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, path / name)
    (path / ".venv").symlink_to((ROOT / ".venv").resolve())
    return path


def run(checkout: Path, command: str) -> subprocess.CompletedProcess:
    if command in SERVING:
        process = subprocess.Popen(
            ["bash", "-c", f"exec {command}"],
            cwd=checkout,
            env=CLEAN_ENV,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            outcome = process.wait(timeout=8)  # ends early only when it failed to start
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGINT)
            process.communicate(timeout=30)
            return subprocess.CompletedProcess(command, 0, "", "")
        return subprocess.CompletedProcess(command, outcome, *process.communicate())
    return subprocess.run(
        ["bash", "-c", command], cwd=checkout, env=CLEAN_ENV, capture_output=True, text=True, timeout=300
    )


def one_line_reason(result: subprocess.CompletedProcess) -> str | None:
    """None when the command succeeded or failed with a one-line reason; else what went wrong."""
    if result.returncode == 0:
        return None
    if result.returncode in (126, 127):  # the shell's "not found" / "not executable": the docs are wrong
        return f"exit {result.returncode}: {result.stderr.strip()[:300]}"
    lines = [line for line in result.stderr.splitlines() if line.strip() and " WARNING " not in line]
    if len(lines) == 1 and "Traceback" not in result.stderr:
        return None
    return f"exit {result.returncode} with {len(lines)} lines:\n{result.stderr[-1500:]}"


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    path = fresh_checkout(tmp_path_factory.mktemp("checkout"))
    setup = subprocess.run(["./start", "--setup"], cwd=path, env=CLEAN_ENV, capture_output=True, text=True, timeout=600)
    assert setup.returncode == 0, setup.stderr
    return path, setup


def test_the_documents_list_their_commands_and_every_one_not_run_here_is_still_documented():
    commands = [command for _, command in documented_commands()]
    assert ".venv/bin/python manage.py import_pubmed 38856741 27797938" in commands
    assert set(NOT_RUN) <= set(commands), set(NOT_RUN) - set(commands)
    # One spelling: no bare `manage.py` or `python manage.py` to type.
    assert [c for c in commands if c.startswith(("manage.py", "python manage.py")) and not not_run(c)] == []
    assert [c for c in commands if c.startswith("curl ") and not not_run(c)] == []


def test_start_writes_the_local_settings_once_and_says_each_thing_once(checkout):
    path, setup = checkout
    env = (path / ".env").read_text()
    assert "DEBUG=1" in env.splitlines() and "# NCBI_EMAIL=your.name@your-institution.org" in env
    key = next(line for line in env.splitlines() if line.startswith("SECRET_KEY="))
    assert len(key) > 50 and oct((path / ".env").stat().st_mode)[-3:] == "600"
    lines = setup.stdout.splitlines()
    assert "To import from PubMed, set NCBI_EMAIL in .env to your e-mail address (NCBI asks for it)." in lines
    assert len(lines) == len(set(lines)) and not any("imported automatically" in line for line in lines), lines
    again = subprocess.run(["./start", "--setup"], cwd=path, env=CLEAN_ENV, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0 and (path / ".env").read_text() == env  # written once
    assert "Admin account" not in again.stdout and "Wrote .env" not in again.stdout


def test_production_without_its_settings_still_refuses_to_start(checkout):
    path, _ = checkout
    result = subprocess.run(
        [".venv/bin/python", "manage.py", "check"],
        cwd=path,
        capture_output=True,
        text=True,
        env={**CLEAN_ENV, "ENV_FILE": "", "DEBUG": "0"},
    )
    assert result.returncode != 0 and "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_every_documented_command_works_as_written_after_start(checkout, eutils_server):
    path, _ = checkout
    eutils_server.reset()
    outcomes = {}
    for document, command in documented_commands():
        if not_run(command) or command in outcomes:  # a command shown twice is run once
            continue
        result = run(path, command)
        problem = one_line_reason(result)
        assert problem is None, f"{document}: {command}\n{problem}"
        outcomes[command] = result
    # As ./start leaves it, an import is refused at once, saying what to set.
    refused = outcomes[".venv/bin/python manage.py import_pubmed 38856741 27797938"]
    assert refused.returncode == 1 and "Set NCBI_EMAIL" in refused.stderr and eutils_server.requests == []

    # Set up as the README says (NCBI_EMAIL in .env); the local recorded server stands in for NCBI.
    with (path / ".env").open("a") as env:
        env.write(f"NCBI_EMAIL=curator@example.org\nEUTILS_BASE_URL={eutils_server.base_url}\n")
    eutils_server.reset()
    imports = dict(
        (c, d) for d, c in documented_commands() if not not_run(c) and ("import_pubmed" in c or "refresh_pubmed" in c)
    ).items()
    assert len(imports) >= 6
    for command, document in imports:
        result = run(path, command)
        reader_file = next((name for name in READERS_FILES if name in command), None)
        if reader_file:  # an example of the reader's own file: refused in one line, naming it
            assert result.returncode == 1 and reader_file in result.stderr and one_line_reason(result) is None, command
        else:
            assert result.returncode == 0, f"{document}: {command}\n{result.stderr[-1500:]}"
        outcomes[command] = result
    assert "created 2" in outcomes[".venv/bin/python manage.py import_pubmed 38856741 27797938"].stdout
    assert "dry run, nothing stored" in outcomes[".venv/bin/python manage.py import_pubmed --dry-run 38856741"].stdout
    assert eutils_server.requests_for("esearch")
