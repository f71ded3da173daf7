"""Each database's search backend provides the whole declared interface, with the same
parameters (papers.search.backends.SearchBackend)."""

import inspect

import pytest
from django.db import connection

from papers.search import postgres, sqlite
from papers.search.backends import SearchBackend, backend


def declared_methods() -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in vars(SearchBackend).items()
        if inspect.isfunction(member) and not name.startswith("_")
    }


@pytest.mark.parametrize("module", [postgres, sqlite], ids=["postgresql", "sqlite"])
def test_a_backend_provides_every_member_of_the_interface(module):
    assert isinstance(module, SearchBackend)
    for name, declared in declared_methods().items():
        parameters = list(declared.parameters)[1:]  # without self: a module's functions are unbound
        assert list(inspect.signature(getattr(module, name)).parameters) == parameters, name
    for name in SearchBackend.__annotations__:
        assert isinstance(getattr(module, name), str), name


def test_the_interface_declares_what_search_calls():
    assert set(declared_methods()) == {
        "statement_settings",
        "ranked_matches",
        "snippets",
        "compact",
        "check_full_text_index",
        "rebuild_full_text_index",
    }


def test_the_database_in_use_picks_its_own_backend():
    assert backend() is (postgres if connection.vendor == "postgresql" else sqlite)
