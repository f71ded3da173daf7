"""The checkout's .env (myeloma_lit.local_env): read by every command, never over the environment."""

import os
import subprocess
import sys

from tests.support.paths import ROOT

SHOW = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG, settings.NCBI_EMAIL)"


def settings_with(env_file, **env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "NCBI_EMAIL", "ENV_FILE"}}
    return subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**clean, "DJANGO_SETTINGS_MODULE": "myeloma_lit.settings", "ENV_FILE": str(env_file), **env},
    )


def test_a_file_supplies_what_the_environment_does_not_set(tmp_path):
    env_file = tmp_path / "local.env"
    env_file.write_text("# written by ./start\nDEBUG=1\nSECRET_KEY=from-the-file\nNCBI_EMAIL=file@example.org\n")
    assert settings_with(env_file).stdout.split() == ["True", "file@example.org"]
    assert settings_with(env_file, NCBI_EMAIL="env@example.org").stdout.split() == ["True", "env@example.org"]


def test_a_missing_file_named_by_env_file_stops_start_up_and_an_empty_name_reads_none(tmp_path):
    missing = settings_with(tmp_path / "nowhere.env")
    assert missing.returncode != 0 and "ENV_FILE names no file" in missing.stderr
    none = settings_with("", DEBUG="0")
    assert none.returncode != 0 and "SECRET_KEY must be set when DEBUG is off" in none.stderr
