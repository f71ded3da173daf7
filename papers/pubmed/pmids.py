"""PubMed IDs from what curators paste or upload: lists, `PMID: 123`, PubMed links, comments."""

from __future__ import annotations

import re

MAX_PMID = 999_999_999  # nine digits; PubMed's are eight today
_PMID_TOKEN = re.compile(
    r"^(?:pmid:?|(?:https?://)?(?:pubmed\.ncbi\.nlm\.nih\.gov/|(?:www\.)?ncbi\.nlm\.nih\.gov/pubmed/))?(\S+?)/?$",
    re.IGNORECASE,
)


class InvalidPMIDs(ValueError):
    """Some tokens are not PMIDs; `bad` lists them in the order given."""

    def __init__(self, bad: list[str]):
        self.bad = bad
        shown = ", ".join(repr(t[:30] + "…" if len(t) > 30 else t) for t in bad[:20])
        more = f" and {len(bad) - 20} more" if len(bad) > 20 else ""
        super().__init__(f"Not PubMed IDs (a PMID is a whole number from 1 to {MAX_PMID:,}): {shown}{more}.")


def parse_pmids(text: str) -> list[int]:
    """PMIDs from pasted text or a file, in order, without repeats.

    Accepts whitespace, commas or semicolons between ids, `PMID: 123`, PubMed URLs, blank
    lines and `#` comments. Raises InvalidPMIDs listing every bad token; returns nothing then.
    """
    pmids, bad = {}, []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        line = re.sub(r"(?i)\bpmid\s*:\s*", "pmid:", line)
        for token in re.split(r"[\s,;]+", line):
            if not token:
                continue
            match = _PMID_TOKEN.match(token)
            number = match.group(1) if match else ""
            if number.isascii() and number.isdigit() and 0 < int(number) <= MAX_PMID:
                pmids.setdefault(int(number))
            else:
                bad.append(token)
    if bad:
        raise InvalidPMIDs(bad)
    return list(pmids)
