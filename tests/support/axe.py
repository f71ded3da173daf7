"""axe-core, through axe-playwright-python, on the page a browser test has open."""

from axe_playwright_python.sync_playwright import Axe

_AXE = Axe()


def violations(page) -> list[dict]:
    """axe-core's violations of the open page: each a rule (`id`, `help`) and its `nodes`."""
    return _AXE.run(page).response["violations"]


def described(found: list[dict]) -> list[str]:
    """One line per offending element: the rule, the element's selector, a snippet of its HTML."""
    return [
        f"{rule['id']}: {' '.join(node['target'])} {node['html'][:120]}" for rule in found for node in rule["nodes"]
    ]
