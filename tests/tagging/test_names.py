"""One matcher for the names of tags: the tagger's mentions and the search's query expansion."""

import pytest
from django.core.management import call_command

from papers.catalogue.models import Tag
from papers.search import tag_names
from papers.search.query import Term, parse, tag_key
from papers.tagging.matcher import Mention, Tagger, TagTerms
from papers.tagging.suggestions import tag_terms
from tests.support.paths import ROOT


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
        Mention("cd34", 0, 4, "CD34"),
        Mention("cd38", 22, 26, "CD38"),
    ]


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
        for tag in tags
        for name in tag.names
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
    assert len(parsed.groups[0]) == len(pi.terms) + 1
    assert parsed.groups[0][-1] == Term(tag_key(pi.slug))  # the papers with the tag confirmed
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


@pytest.fixture(scope="module")
def taxonomy_tagger():
    """The tagger over fixtures/taxonomy.json as load_demo loads it (names and exclusions)."""
    import json

    objects = json.loads((ROOT / "fixtures" / "taxonomy.json").read_text())
    return Tagger(
        TagTerms(
            o["fields"]["slug"],
            (o["fields"]["name"], *o["fields"]["synonyms"]),
            tuple(e["pattern"] for e in o["fields"]["exclusions"]),
        )
        for o in objects
        if o["model"] == "papers.tag"
    )


# Sentences of real PubMed records (PMID first), each with what the taxonomy must make of it.
NAMED = [
    (
        33957270,
        "miRNA are linked with genetic, epigenetic and angiogenic factors, hormones, cytokines, chemokines, "
        "oxidative stress and other factors.",
        {"angiogenesis": "angiogenic"},
    ),
    (
        34092565,
        "[Benefits and Prospects of VEGF-targeted Anti-angiogenic Therapy and Immunotherapy for High-grade Glioma].",
        {"vegf": "VEGF", "angiogenesis": "angiogenic"},
    ),
    (
        34090863,
        "Development of a recombinant anti-VEGFR2-EPCAM bispecific antibody to improve antiangiogenic efficiency.",
        {"bispecific-antibodies": "bispecific antibody", "angiogenesis": "antiangiogenic"},
    ),
    (
        34088671,
        "Within MM bone marrow (BM) stromal cell supernatants, TNF-α induces proteasomal degradation of TRAF2, "
        "noncanonical NF-κB, and downstream ERK signaling in MM cells, whereas interleukin-6 directly triggers "
        "ERK activation.",
        {"bmsc": "bone marrow (BM) stromal cell", "tnf-a": "TNF-α", "nf-kb": "NF-κB", "il-6": "interleukin-6"},
    ),
    (
        33975771,
        "Thalidomide treatment resulted in lower renal pro-inflammatory cytokines tumor necrosis factor (TNF)-α "
        "(6.7 ± 0.8 vs. 12.3 ± 1.2 ng/ml), interleukin (IL)-1β (3.2 ± 0.5 vs. 5.1 ± 0.3 pg/mg), IL-6 (24.7 ± "
        "2.4 vs. 33 ± 3 pg/mg) and transforming growth factor (TGF)-β1 (0.6 ± 0.17 vs. 1.56 ± 0.24 ng/ml) than "
        "those in the glycerol treated group.",
        {
            "imids": "Thalidomide",
            "tnf-a": "tumor necrosis factor (TNF)-α",
            "il-1b": "interleukin (IL)-1β",
            "il-6": "IL-6",
            "tgf-b": "transforming growth factor (TGF)-β1",
        },
    ),
    (
        34090465,
        "CHEK1 and circCHEK1_246aa evoke chromosomal instability and induce bone lesion formation in multiple myeloma.",
        {"osteolytic-lesions": "bone lesion"},
    ),
    (
        34090534,
        "IMiDs hijack the CRL4<sup>CRBN</sup> ubiquitin ligase to target cellular proteins for ubiquitination "
        "and degradation.",
        {"imids": "IMiDs", "cereblon": "CRL4CRBN"},
    ),
    # Mentions that are not the mechanism: the exclusions of fixtures/taxonomy.json.
    (
        33714920,
        "We developed a software program that semi-automatically calculated the bone scan index (BSI) on "
        "technetium-99m hydroxymethylene diphosphonate bone scintigraphy scans with a computer-aided diagnosis "
        "system (CAD) and examined whether the BSI calculated using this software could replace the extent of "
        "disease (EOD) score.",
        {},
    ),
    (33108549, "CART", {}),  # a keyword of a paper on reading skills
    (
        33188908,
        "However, the antitumor efficacy of TCR-T cells is relatively weak and less specific compared to other "
        "immunotherapy approaches such as chimeric antigen receptor T-Cell (CART) therapy, constituting a great "
        "challenge for adoptive immunotherapy.",
        {"car-t": "chimeric antigen receptor T-Cell"},
    ),
    (33973379, "Immunomodulatory drugs, other than rituximab, can be continued alongside vaccination.", {}),
    (
        33183102,
        "This article highlights repurposing of antiviral, antimalarial, antineoplastic, antidiabetic, analgesic, "
        "and immunomodulatory drugs.",
        {},
    ),
    (
        34082709,
        "At enrolment, the viral load (VL) level (p = 0.03) and CD8+CD38+ percentage (p = 0.03) were higher in "
        "DG than non-DG individuals.",
        {},
    ),
    (
        34091967,
        "IHC for CD3 and CD20 were negative in all cases, while positivity for CD38, CD138 and MUM1 was observed "
        "in 70.2%, 79.2% and 98.9%, respectively.",
        {},
    ),
    (
        33962213,
        "Purified CD138+ BM-PCs of 23 MM patients at initiation of their treatment were subjected to aCGH, FISH "
        "and ULCS.",
        {},
    ),
    (
        34093594,
        "In the last decade, CD38-targeting immunotherapies, such as daratumumab, have been recognized as a key "
        "component in the treatment of multiple myeloma.",
        {"cd38": "CD38", "anti-cd38": "daratumumab"},
    ),
]


@pytest.mark.parametrize(("pmid", "sentence", "expected"), NAMED, ids=[str(n[0]) for n in NAMED])
def test_name_variants_and_exclusions_on_real_sentences(taxonomy_tagger, pmid, sentence, expected):
    found = taxonomy_tagger.suggest(title=sentence, abstract="")
    assert {s.slug: s.matched for s in found} == expected
