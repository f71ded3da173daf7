"""Who a command-line import is recorded as: `--as USER`, or the account named after the
operating-system user who runs the command when there is one (an admin's own login); and, on
the run, that operating-system user's name, with an account or without."""

import getpass

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def add_identity_argument(parser) -> None:
    parser.add_argument(
        "--as",
        dest="as_user",
        metavar="USER",
        help="The site account to record as the importer (default: the account named "
        "after the operating-system user, if there is one).",
    )


def importer(username: str | None):
    """The site account named `username` (an error if none), or the OS user's account, or None."""
    users = get_user_model().objects
    if username is not None:
        try:
            return users.get(username=username)
        except users.model.DoesNotExist:
            raise CommandError(f"--as {username}: no site account has that user name.") from None
    name = login()
    return users.filter(username=name).first() if name else None


def login() -> str:
    """The operating-system user's name, or '' when this process's user id has none (a bare container)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
