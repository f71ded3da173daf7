"""Reading PMIDs from what curators paste or upload."""

import pytest

from papers.pubmed.pmids import InvalidPMIDs, parse_pmids


def test_accepts_lists_prefixes_urls_comments_and_drops_repeats():
    text = """
    # reviews on RANKL
    38856741, 27797938; 993
    PMID: 20301577
    pmid:151222
    https://pubmed.ncbi.nlm.nih.gov/9997/
    http://www.ncbi.nlm.nih.gov/pubmed/12091962
    38856741   # again
    """
    assert parse_pmids(text) == [38856741, 27797938, 993, 20301577, 151222, 9997, 12091962]


def test_blank_text_gives_no_pmids():
    assert parse_pmids("\n  # only a comment\n") == []


@pytest.mark.parametrize(
    "text, bad",
    [
        ("123 abc 456", ["abc"]),
        ("0", ["0"]),
        ("-5", ["-5"]),
        ("12345678901234567890", ["12345678901234567890"]),
        ("1.5 ２３", ["1.5", "２３"]),
        ("123, PMID:x, 9e3", ["pmid:x", "9e3"]),
    ],
)
def test_bad_tokens_are_all_listed(text, bad):
    with pytest.raises(InvalidPMIDs) as raised:
        parse_pmids(text)
    assert raised.value.bad == bad
    assert "Not PubMed IDs" in str(raised.value)
