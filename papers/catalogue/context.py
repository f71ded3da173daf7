"""Where a paper's claims come from: the organisms it studies and whether it is about myeloma,
read from its MeSH headings (the check tags Humans, Mice, Rats, Animals, the Multiple Myeloma
descriptors) or, for a record PubMed has not indexed yet, from the words of its title and
abstract. Stored on the paper (Paper.organisms, Paper.about_myeloma) so that the mechanism
finder filters on them in its own statements; set on import, hand edits and `retag`."""

import re
from typing import NamedTuple

from papers.catalogue.markup import to_text
from papers.shapes import well_formed

# The organisms named, in the order shown; each the filter value the finder takes for it. No
# name is part of another, so a stored list is searched for one by containment.
HUMANS, MICE, RATS, OTHER_ANIMALS = "Humans", "Mice", "Rats", "Other animals"
ORGANISMS = {"humans": HUMANS, "mice": MICE, "rats": RATS, "animals": OTHER_ANIMALS}
SEPARATOR = ", "

# Unindexed records: the words that say so, whole and in any case. "Human" covers human cells,
# which MeSH indexes under Humans too.
_WORDS = {
    HUMANS: re.compile(r"\b(?:humans?|patients?|women|men|children|volunteers|participants)\b", re.IGNORECASE),
    MICE: re.compile(r"\b(?:mice|mouse|murine)\b", re.IGNORECASE),
    RATS: re.compile(r"\brats?\b", re.IGNORECASE),
    OTHER_ANIMALS: re.compile(
        r"\b(?:rabbits?|dogs?|canine|pigs?|porcine|zebrafish|sheep|ovine|cattle|bovine|monkeys?|macaques?)\b",
        re.IGNORECASE,
    ),
}
_MYELOMA = re.compile(r"\b(?:myelomas?|plasmacytomas?)\b", re.IGNORECASE)


class Context(NamedTuple):
    organisms: str  # names from ORGANISMS joined by SEPARATOR, "" when none is known
    about_myeloma: bool


def context_of(title: str, abstract: str, mesh_headings) -> Context:
    """A paper's context from its stored title and abstract (markup) and MeSH headings."""
    headings = [heading["name"] for heading in well_formed("mesh_headings", mesh_headings)]
    text = to_text(f"{title} {abstract}")
    if headings:
        found = {
            HUMANS: "Humans" in headings,
            MICE: any(name == "Mice" or name.startswith("Mice, ") for name in headings),
            RATS: any(name == "Rats" or name.startswith("Rats, ") for name in headings),
            OTHER_ANIMALS: "Animals" in headings,
        }
    else:
        found = {name: bool(words.search(text)) for name, words in _WORDS.items()}
    # Other animals only where neither mice nor rats are named: MeSH adds Animals to both.
    found[OTHER_ANIMALS] = found[OTHER_ANIMALS] and not (found[MICE] or found[RATS])
    myeloma = any("myeloma" in name.casefold() or "plasmacytoma" in name.casefold() for name in headings)
    return Context(
        SEPARATOR.join(name for name in ORGANISMS.values() if found[name]), myeloma or bool(_MYELOMA.search(text))
    )


def described(context: Context) -> str:
    """The context as a claim shows it: "Humans, Mice · myeloma"."""
    organisms = context.organisms or "Organism not stated"
    return f"{organisms} · {'myeloma' if context.about_myeloma else 'not about myeloma'}"
