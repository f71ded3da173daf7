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
# which MeSH indexes under Humans too. Looked up in the set of the text's words: one pass over
# the text instead of a case-blind regular expression per organism.
_WORDS = {
    HUMANS: {"human", "humans", "patient", "patients", "women", "men", "children", "volunteers", "participants"},
    MICE: {"mice", "mouse", "murine"},
    RATS: {"rat", "rats"},
    OTHER_ANIMALS: {
        *("rabbit", "rabbits", "dog", "dogs", "canine", "pig", "pigs", "porcine", "zebrafish", "sheep", "ovine"),
        *("cattle", "bovine", "monkey", "monkeys", "macaque", "macaques"),
    },
}
_WORD = re.compile(r"\w+")
_MYELOMA = re.compile(r"\b(?:myelomas?|plasmacytomas?)\b", re.IGNORECASE)


class Context(NamedTuple):
    organisms: str  # names from ORGANISMS joined by SEPARATOR, "" when none is known
    about_myeloma: bool


def context_of(title: str, abstract: str, mesh_headings) -> Context:
    """A paper's context from its stored title and abstract (markup) and MeSH headings."""
    return context_from(title, abstract, [heading["name"] for heading in well_formed("mesh_headings", mesh_headings)])


def context_from(title: str, abstract: str, headings: list[str]) -> Context:
    """The same from the names of the MeSH headings: the importer has them from the parser, whose
    headings need no checking."""
    words = f"{title} {abstract}"
    if headings:
        found = {
            HUMANS: "Humans" in headings,
            MICE: any(name == "Mice" or name.startswith("Mice, ") for name in headings),
            RATS: any(name == "Rats" or name.startswith("Rats, ") for name in headings),
            OTHER_ANIMALS: "Animals" in headings,
        }
    else:
        said = set(_WORD.findall(to_text(words).casefold()))
        found = {name: not names.isdisjoint(said) for name, names in _WORDS.items()}
    # Other animals only where neither mice nor rats are named: MeSH adds Animals to both.
    found[OTHER_ANIMALS] = found[OTHER_ANIMALS] and not (found[MICE] or found[RATS])
    myeloma = any("myeloma" in name.casefold() or "plasmacytoma" in name.casefold() for name in headings)
    return Context(SEPARATOR.join(name for name in ORGANISMS.values() if found[name]), myeloma or _says_myeloma(words))


def _says_myeloma(words: str) -> bool:
    """Whether the title or abstract names myeloma: a plain substring test first, since most
    papers never name it and the regular expression is the slower by far."""
    folded = words.casefold()
    return ("myeloma" in folded or "plasmacytoma" in folded) and bool(_MYELOMA.search(to_text(words)))


def described(context: Context) -> str:
    """The context as a claim shows it: "Humans, Mice · myeloma"."""
    organisms = context.organisms or "Organism not stated"
    return f"{organisms} · {'myeloma' if context.about_myeloma else 'not about myeloma'}"
