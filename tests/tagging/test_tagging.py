"""The dictionary tagger on real PubMed text and on the spelling variants it must connect."""

import json
import xml.etree.ElementTree as ET

import pytest

from papers.pubmed.medline import iter_records
from papers.tagging.matcher import EVIDENCE_MAX, Suggestion, TaggableText, Tagger, TagTerms
from tests.support.paths import ROOT, SAMPLES

MYELOMA_RECORD = SAMPLES / "efetch_pubmed_38856741_myeloma_lytic_lesions.xml"

TAGS = [
    TagTerms("rankl", ("RANKL", "TNFSF11", "TRANCE", "OPGL", "ODF", "receptor activator of NF-κB ligand")),
    TagTerms("opg", ("OPG", "TNFRSF11B", "osteoprotegerin")),
    TagTerms("dkk1", ("DKK-1", "DKK1", "Dickkopf-1")),
    TagTerms("mip-1a", ("MIP-1α", "CCL3")),
    TagTerms("nf-kb", ("NF-κB", "NFKB")),
    TagTerms("il-6", ("IL-6", "interleukin-6")),
    TagTerms("bisphosphonates", ("bisphosphonates", "zoledronic acid", "pamidronate")),
    TagTerms("osteoclast", ("osteoclast",)),
]


@pytest.fixture(scope="module")
def tagger():
    return Tagger(TAGS)


def in_title(tagger, title):
    return tagger.suggest(title=title, abstract="")


def inner_markup(element):
    """An element's content as the importer stores it: text with its inline tags."""
    return (element.text or "") + "".join(ET.tostring(child, encoding="unicode") for child in element)


def test_tagger_reports_sentences_from_real_myeloma_record():
    record = ET.parse(MYELOMA_RECORD).getroot()
    article = record.find(".//Article")
    extra = [
        TagTerms("bone-remodeling", ("bone remodeling", "bone remodelling")),
        TagTerms("cohort-study", ("cohort study",)),
        TagTerms("hounsfield-units", ("Hounsfield Units", "HU")),
        TagTerms("mixed-models", ("linear mixed effect model", "mixed model")),
        TagTerms("radiotherapy", ("radiotherapy", "radiation therapy")),
    ]

    suggestions = Tagger(TAGS + extra).suggest(
        title=inner_markup(article.find("ArticleTitle")),
        abstract=" ".join(inner_markup(text) for text in article.iterfind("Abstract/AbstractText")),
        keywords=[keyword.text for keyword in record.iterfind(".//KeywordList/Keyword")],
    )

    # None of the bone-disease tags: "osteolytic lesions" is not "osteoclast".
    assert suggestions == [
        Suggestion("bone-remodeling", "keywords", "bone remodeling", "bone remodeling"),
        # The abstract's headings are run into the text ("cohort study.ObjectiveIn general").
        Suggestion("cohort-study", "abstract", "Study DesignRetrospective cohort study.", "cohort study"),
        Suggestion(
            "hounsfield-units",
            "abstract",
            "Our primary outcome measure was percent change in bone mineral density measured in "
            "Hounsfield Units (Δ% HU) between pre- and post-radiation measurements, compared to "
            "non-targeted vertebrae.",
            "Hounsfield Units",
        ),
        Suggestion(
            "mixed-models",
            "abstract",
            "A linear mixed effect model tested any differences in remineralization rate per month "
            "(βdifference) between targeted and non-targeted vertebrae.",
            "linear mixed effect model",
        ),
        Suggestion(
            "radiotherapy",
            "title",
            "Remineralization Rate of Lytic Lesions of the Spine in Multiple Myeloma Patients "
            "Undergoing Radiation Therapy.",
            "Radiation Therapy",
        ),
    ]


# Titles of papers cited by the myeloma record, copied verbatim from its reference list.
REFERENCE_TITLES = [
    (
        "RANKL/RANK/OPG pathway: a mechanism involved in Exercise-induced bone remodeling.",
        [("opg", "OPG"), ("rankl", "RANKL")],
    ),
    ("Role of the RANK/RANKL pathway in multiple myeloma.", [("rankl", "RANKL")]),
    ("Therapeutic implications of osteoprotegerin.", [("opg", "osteoprotegerin")]),
    ("Cross-talk between T cells and osteoclasts in bone resorption.", [("osteoclast", "osteoclasts")]),
    (
        "Denosumab versus zoledronic acid in bone disease treatment of newly diagnosed multiple myeloma: "
        "an international, double-blind, double-dummy, randomised, controlled, phase 3 study.",
        [("bisphosphonates", "zoledronic acid")],
    ),
    ("Influence of radiation exposure pattern on the bone injury and osteoclastogenesis in a rat model.", []),
]


@pytest.mark.parametrize(("title", "expected"), REFERENCE_TITLES)
def test_tagger_tags_real_reference_titles(tagger, title, expected):
    assert title in MYELOMA_RECORD.read_text(encoding="utf-8")
    assert in_title(tagger, title) == [Suggestion(slug, "title", title, matched) for slug, matched in expected]


@pytest.mark.parametrize(
    ("variant", "slug"),
    [
        ("MIP-1α", "mip-1a"),
        ("MIP-1 alpha", "mip-1a"),
        ("MIP-1alpha", "mip-1a"),
        ("MIP-1Alpha", "mip-1a"),
        ("MIP1α", "mip-1a"),
        ("NF-κB", "nf-kb"),
        ("NF-kappaB", "nf-kb"),
        ("NF-kappa B", "nf-kb"),
        ("NF-kB", "nf-kb"),
        ("NF–κB", "nf-kb"),  # en dash
    ],
)
def test_tagger_matches_greek_spelled_forms(tagger, variant, slug):
    sentence = f"Myeloma cells secrete {variant} in the marrow."
    assert in_title(tagger, sentence) == [Suggestion(slug, "title", sentence, variant)]


@pytest.mark.parametrize(
    ("variant", "slug"),
    [
        ("DKK-1", "dkk1"),
        ("DKK1", "dkk1"),
        ("DKK 1", "dkk1"),
        ("DKK\u20111", "dkk1"),  # non-breaking hyphen
        ("Dickkopf-1", "dkk1"),
        ("Dickkopf 1", "dkk1"),
        ("dickkopf1", "dkk1"),
        ("NFKB", "nf-kb"),
        ("IL6", "il-6"),
        ("Interleukin 6", "il-6"),
        ("TNFSF-11", "rankl"),
    ],
)
def test_tagger_matches_hyphen_and_space_variants(tagger, variant, slug):
    sentence = f"Serum {variant} was raised."
    assert in_title(tagger, sentence) == [Suggestion(slug, "title", sentence, variant)]


def test_tagger_turns_spelled_greek_in_dictionary_names_into_letters():
    tagger = Tagger([TagTerms("tnf", ("TNFalpha",)), TagTerms("meta", ("Meta-analysis",))])

    assert in_title(tagger, "TNF-α and a meta-analysis.") == [
        Suggestion("meta", "title", "TNF-α and a meta-analysis.", "meta-analysis"),
        Suggestion("tnf", "title", "TNF-α and a meta-analysis.", "TNF-α"),
    ]
    assert in_title(tagger, "Mη-analysis of TNFalphabet.") == []


@pytest.mark.parametrize(
    "sentence",
    [
        "The TOPGEAR trial enrolled 40 patients.",
        "IL-60 was not detected.",
        "IL-6R blockade with tocilizumab.",
        "Patients were in a trance for hours.",  # TRANCE is a symbol: case-sensitive
        "Serum opg and il-6 were low.",
        "Osteoclastogenesis was suppressed.",
        "NFKBIA and DKK10 are other genes.",
        "OPGs are not a plural of the symbol.",
    ],
)
def test_tagger_respects_word_boundaries_and_symbol_case(tagger, sentence):
    assert in_title(tagger, sentence) == []


def test_tagger_prefers_the_longer_name_at_a_position(tagger):
    assert in_title(tagger, "OPGL, not OPG, binds RANK.") == [
        Suggestion("opg", "title", "OPGL, not OPG, binds RANK.", "OPG"),
        Suggestion("rankl", "title", "OPGL, not OPG, binds RANK.", "OPGL"),
    ]
    sentence = "Receptor activator of NF-kappaB ligand drives osteolysis."
    assert in_title(tagger, sentence) == [
        Suggestion("rankl", "title", sentence, "Receptor activator of NF-kappaB ligand"),
    ]


def test_tagger_accepts_plurals_of_words_only(tagger):
    sentence = "Osteoclasts resorb bone; a bisphosphonate and two pamidronates stop them."
    assert in_title(tagger, sentence) == [
        Suggestion("bisphosphonates", "title", sentence, "bisphosphonate"),
        Suggestion("osteoclast", "title", sentence, "Osteoclasts"),
    ]


def test_tagger_strips_markup_and_entities_before_matching(tagger):
    abstract = (
        "Activation of NF-<i>κ</i>B by MIP-1<sub>α</sub> was seen (<i>P</i> &lt; .05). Levels of IL-6 were <b>high</b>."
    )

    assert tagger.suggest(title="", abstract=abstract) == [
        Suggestion("il-6", "abstract", "Levels of IL-6 were high.", "IL-6"),
        Suggestion("mip-1a", "abstract", "Activation of NF-κB by MIP-1α was seen (P < .05).", "MIP-1α"),
        Suggestion("nf-kb", "abstract", "Activation of NF-κB by MIP-1α was seen (P < .05).", "NF-κB"),
    ]


def test_tagger_splits_sentences_but_not_abbreviations_figures_or_decimals(tagger):
    abstract = (
        "Bone lesions were counted as in Fig. 2. Serum OPG was low, e.g. in 12 of 20 patients vs. "
        "3 of 20 controls (Terpos et al. 2019). DKK-1 was 2.5-fold higher, i.e. as in Fig. 3. "
        "Tobeiha M, Moghadasian MH, Amin N, Jafarnejad S. RANKL/RANK/OPG pathway: a mechanism "
        "involved in Exercise-induced bone remodeling. BioMed Res Int."
    )

    assert tagger.suggest(title="", abstract=abstract) == [
        Suggestion("dkk1", "abstract", "DKK-1 was 2.5-fold higher, i.e. as in Fig. 3.", "DKK-1"),
        Suggestion(
            "opg",
            "abstract",
            "Serum OPG was low, e.g. in 12 of 20 patients vs. 3 of 20 controls (Terpos et al. 2019).",
            "OPG",
        ),
        Suggestion(
            "rankl",
            "abstract",
            "Tobeiha M, Moghadasian MH, Amin N, Jafarnejad S. RANKL/RANK/OPG pathway: a mechanism "
            "involved in Exercise-induced bone remodeling.",
            "RANKL",
        ),
    ]


def test_tagger_reports_the_first_field_that_matches(tagger):
    suggestions = tagger.suggest(
        title="Bone disease in myeloma.",
        abstract="Zoledronic acid was given monthly.",
        keywords=["bisphosphonates", "DKK1"],
        mesh=["Diphosphonates", "Osteoclasts", "Dickkopf-1 protein, human"],
    )

    assert suggestions == [
        Suggestion("bisphosphonates", "abstract", "Zoledronic acid was given monthly.", "Zoledronic acid"),
        Suggestion("dkk1", "keywords", "DKK1", "DKK1"),
        Suggestion("osteoclast", "mesh", "Osteoclasts", "Osteoclasts"),
    ]


def test_tagger_clips_long_evidence_around_the_match(tagger):
    starts = "OPG " + "was measured again and " * 30 + "then it fell."
    ends = "Levels " + "rose and " * 60 + "fell for OPG."

    assert tagger.suggest(title=starts, abstract=ends) == [
        Suggestion("opg", "title", starts[: EVIDENCE_MAX - 1] + "…", "OPG"),
    ]
    assert tagger.suggest(title="", abstract=ends) == [
        Suggestion("opg", "abstract", "…" + ends[-(EVIDENCE_MAX - 1) :], "OPG"),
    ]


@pytest.mark.parametrize(
    "text",
    ["", " ", "<", "a < b > c", "&", "&bogus; &#xD800; &#99999999;", "<i>", "\x00\u200b\ufeff", "." * 1000],
)
def test_tagger_never_raises_on_odd_text(tagger, text):
    assert tagger.suggest(title=text, abstract=text, keywords=[text], mesh=[text]) == []


def test_tagger_ignores_names_without_letters_or_digits():
    tagger = Tagger([TagTerms("opg", ("", " - ", "OPG")), TagTerms("empty", ())])

    assert in_title(tagger, "<i>OPG - soluble") == [Suggestion("opg", "title", "OPG - soluble", "OPG")]
    assert Tagger([]).suggest(title="OPG", abstract="OPG") == []


def test_whole_taxonomy_on_a_demo_record_about_imid_resistance():
    """PMID 34088671, a real MEDLINE record of the demo set, against every tag of fixtures/taxonomy.json."""
    root = ROOT
    taxonomy = json.loads((root / "fixtures" / "taxonomy.json").read_text())
    tagger = Tagger(
        TagTerms(
            o["fields"]["slug"],
            (o["fields"]["name"], *o["fields"]["synonyms"]),
            tuple(e["pattern"] for e in o["fields"]["exclusions"]),
        )
        for o in taxonomy
        if o["model"] == "papers.tag"
    )
    (record,) = [
        r for r in iter_records(str(root / "fixtures" / "demo" / "pubmed21n1298_myeloma.xml")) if r.pmid == 34088671
    ]
    stroma = (
        "Within MM bone marrow (BM) stromal cell supernatants, TNF-α induces proteasomal degradation of TRAF2, "
        "noncanonical NF-κB, and downstream ERK signaling in MM cells, whereas interleukin-6 directly triggers ERK "
        "activation."
    )
    assert tagger.suggest_text(TaggableText.of_record(record)) == [
        Suggestion("bmsc", "abstract", stroma, "bone marrow (BM) stromal cell"),
        Suggestion("il-6", "abstract", stroma, "interleukin-6"),
        Suggestion(
            "imids",
            "title",
            "ERK signaling mediates resistance to immunomodulatory drugs in the bone marrow microenvironment.",
            "immunomodulatory drugs",
        ),
        Suggestion(
            "nf-kb",
            "abstract",
            "Here, we identify that tumor necrosis factor (TNF) receptor-associated factor 2 "
            "(TRAF2) knockdown (KD)/knockout (KO) in MM cells mediates IMiD resistance via activation of "
            "noncanonical nuclear factor κB (NF-κB) and extracellular signal-regulated kinase (ERK) signaling.",
            "nuclear factor κB",
        ),
        Suggestion("tnf-a", "abstract", stroma, "TNF-α"),
    ]
