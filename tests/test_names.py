"""One matcher for the names of tags: the tagger's mentions and the search's query expansion."""

import pytest
from django.core.management import call_command

from papers.models import Tag
from papers.search import tag_names
from papers.search.query import Term, parse
from papers.suggestions import tag_terms
from papers.tagging import Mention, Tagger, TagTerms


def test_mentions_are_left_to_right_longest_first_whatever_the_order():
    tags = [
        TagTerms("il-6", ("IL-6", "interleukin-6")),
        TagTerms("il-6-receptor", ("IL-6 receptor", "IL-6R")),
        TagTerms("opg", ("OPG",)),
        TagTerms("rankl", ("OPG ligand", "RANKL")),
    ]
    text = "IL-6 receptor and OPG ligand, not IL-6 or OPG."
    expected = [
        Mention("il-6-receptor", 0, 13, "IL-6 receptor"),
        Mention("rankl", 18, 28, "OPG ligand"),
        Mention("il-6", 34, 38, "IL-6"),
        Mention("opg", 42, 45, "OPG"),
    ]
    assert Tagger(tags).mentions(text) == expected
    assert Tagger(reversed(tags)).mentions(text) == expected
    assert Tagger(TagTerms(t.slug, t.names[::-1]) for t in tags).mentions(text) == expected


def test_a_name_shared_by_two_tags_is_a_mention_of_each():
    tagger = Tagger([TagTerms("b", ("CD38",)), TagTerms("a", ("CD38", "daratumumab"))])

    assert tagger.mentions("Anti CD38") == [Mention("b", 5, 9, "CD38"), Mention("a", 5, 9, "CD38")]


def test_an_exclusion_drops_the_mentions_it_covers_and_only_its_tags():
    tagger = Tagger([TagTerms("cd38", ("CD38",), (r"CD38[+−]",)), TagTerms("cd34", ("CD34",))])

    assert tagger.mentions("CD34+CD38− cells, and CD38 itself") == [
        Mention("cd34", 0, 4, "CD34"), Mention("cd38", 22, 26, "CD38")]


@pytest.fixture
def taxonomy(db):
    call_command("loaddata", "fixtures/taxonomy.json", verbosity=0)
    return list(Tag.objects.all())


@pytest.mark.parametrize("order", ["name", "-name"])
def test_every_name_of_the_taxonomy_alone_is_exactly_its_own_tag(taxonomy, order):
    """In two row orders (and the names of each tag reversed in the second), as the database
    gives them: each name and synonym, fed alone, is one mention of its own tag, whole."""
    tags = [tag_terms(tag) for tag in Tag.objects.order_by(order)]
    if order.startswith("-"):
        tags = [TagTerms(t.slug, t.names[::-1], t.exclusions) for t in tags]
    tagger = Tagger(tags)
    wrong = {
        (tag.slug, name): [(m.slug, m.matched) for m in tagger.mentions(name)]
        for tag in tags for name in tag.names
        if tagger.mentions(name) != [Mention(tag.slug, 0, len(name), name)]
    }
    assert wrong == {}
    assert sum(len(t.names) for t in tags) > 400  # the whole taxonomy was read


def test_a_multi_word_name_typed_without_quotes_is_the_tag(taxonomy):
    names = tag_names()
    pi = Tag.objects.get(slug="proteasome-inhibitors")

    parsed = parse("proteasome inhibitors myeloma", names)
    assert parsed.groups[0][0] == Term("proteasome inhibitors")
    assert {t.text for t in parsed.groups[0]} >= {"bortezomib", "carfilzomib", "proteasome inhibition"}
    assert len(parsed.groups[0]) == len(pi.terms)
    assert parsed.groups[1:] == [[Term("myeloma")]]
    assert parsed.expanded[0][0] == "proteasome inhibitors"
    assert parse('"proteasome inhibitors" myeloma', names).groups == parsed.groups

    wnt = parse("Wnt signalling", names)
    assert len(wnt.groups) == 1 and Term("β-catenin") in wnt.groups[0]
    # The longest name wins here too: the receptor, not IL-6 and a word.
    assert [t.text for t in parse("IL-6 receptor", names).groups[0]][:3] == ["IL-6 receptor", "IL6R", "IL-6R"]
    # Switched off, the words are words.
    assert parse("proteasome inhibitors").groups == [[Term("proteasome")], [Term("inhibitors")]]


def test_a_name_inside_a_run_of_words_and_the_rest_of_a_word(taxonomy):
    names = tag_names()

    parsed = parse("role of bone marrow stromal cells in IL-6/osteolysis", names)
    texts = [[t.text for t in group][:1] for group in parsed.groups]
    assert texts == [["role"], ["of"], ["bone marrow stromal cells"], ["in"], ["IL-6"], ["osteolysis"]]
    assert Term("BMSCs") in parsed.groups[2] and Term("interleukin-6") in parsed.groups[4]
    assert Term("lytic lesions") in parsed.groups[5]
    # A word typed in another case than its name is still the tag.
    assert Term("TNFSF11") in parse("rankl", names).groups[0]
