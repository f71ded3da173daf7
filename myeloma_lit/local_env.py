"""The checkout's `.env` file: local settings every command reads, so none need exporting.

./start writes it once (a generated SECRET_KEY, DEBUG=1, the NCBI_EMAIL line to fill in); it
is never committed. A variable set in the environment wins over the file, so production and
the tests configure themselves as before. ENV_FILE names another file; ENV_FILE= (empty)
reads none, which is how ./run-tests keeps a developer's `.env` out of the tests.
"""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv


def load_local_env(base_dir: Path) -> None:
    path = os.environ.get("ENV_FILE")
    if path is None:
        load_dotenv(base_dir / ".env", override=False)  # none there: nothing to read
    elif path:
        if not Path(path).is_file():
            raise ImproperlyConfigured(f"ENV_FILE names no file: {path!r}.")
        load_dotenv(path, override=False)
