"""The inline markup PubMed puts in titles and abstracts, and how it is made safe to show.

PubMed titles and abstracts carry <i>, <b>, <u>, <sup>, <sub> and MathML. The parser keeps
them as an HTML fragment with every text character escaped; `sanitize` runs the allow-list
below over any fragment before it is shown, so hand edits and hostile records stay inert.
"""

import html
import re

import nh3

INLINE_TAGS = frozenset({"i", "b", "u", "sup", "sub"})
MATHML_TAGS = frozenset(
    {
        "math",
        "maction",
        "menclose",
        "merror",
        "mfenced",
        "mfrac",
        "mi",
        "mmultiscripts",
        "mn",
        "mo",
        "mover",
        "mpadded",
        "mphantom",
        "mprescripts",
        "mroot",
        "mrow",
        "ms",
        "mspace",
        "msqrt",
        "mstyle",
        "msub",
        "msubsup",
        "msup",
        "mtable",
        "mtd",
        "mtext",
        "mtr",
        "munder",
        "munderover",
        "none",
        "semantics",
    }
)
ALLOWED_TAGS = INLINE_TAGS | MATHML_TAGS

_TAG = re.compile(r"<[^>]*>")


def sanitize(fragment: str) -> str:
    """The fragment with every tag outside the allow-list, every attribute and every script
    removed; text is never lost, only tags."""
    return nh3.clean(fragment, tags=set(ALLOWED_TAGS), attributes={}, link_rel=None)


def to_text(fragment: str) -> str:
    """Plain text of a fragment (tags dropped, entities decoded), for search, tagging and exports."""
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())
