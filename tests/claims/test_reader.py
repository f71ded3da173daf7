"""The claim reader on the demo records' sentences that issue 30 found read wrong: each real
sentence, with the names the taxonomy's tagger finds in it, gives the claims
fixtures/claims/LABELLING.md says it states, and no other."""

from tests.support.claims import read

NBSP = "\u00a0"


def test_resulted_in_lower_decreases_each_target(extractor):
    # PMID 33975771: "lower" after "resulted in" gives the direction (LABELLING.md rule 11).
    sentence = (
        (
            "Thalidomide treatment resulted in lower renal pro-inflammatory cytokines tumor necrosis factor (TNF)-α "
            "(6.7 ± 0.8 vs. 12.3 ± 1.2 ng/ml), interleukin (IL)-1β (3.2 ± 0.5 vs. 5.1 ± 0.3 pg/mg), IL-6 "
            "(24.7 ± 2.4 vs. 33 ± 3 pg/mg) and transforming growth factor (TGF)-β1 (0.6 ± 0.17 vs. "
            "1.56 ± 0.24 ng/ml) than those in the glycerol treated mice."
        )
        .replace(" ± ", f"{NBSP}±{NBSP}")
        .replace(" ng/", f"{NBSP}ng/")
        .replace(" pg/", f"{NBSP}pg/")
    )
    assert read(extractor, sentence) == {
        ("imids", "decreases", target): (False, False) for target in ("tnf-a", "il-1b", "il-6", "tgf-b")
    }
    claims = extractor.claims(sentence)
    assert {sentence[slice(*claim.trigger_span)] for claim in claims} == {"resulted in lower"}


def test_lower_secretion_of_y_by_x_decreases_y(extractor):
    # PMID 34090510: not "IL-1β produces DKK-1".
    sentence = (
        "Importantly, we also found that different generations of ERCs had an overall lower secretion of "
        "Dickkopf-1 (DKK1) by IL-1β pre-stimulation (p < 0.05) and a higher expression of β-catenin in colonic "
        "and splenic tissues after the administration of IL-1β-primed ERCs."
    )
    assert read(extractor, sentence) == {("il-1b", "decreases", "dkk1"): (False, False)}


def test_inducible_is_an_adjective_not_a_verb(extractor):
    # PMID 34095305: "inducible nitric oxide synthase" between TNF-α and IL-1β is no "TNF-α induces".
    sentence = (
        "Furthermore, TNF-α, inducible nitric oxide synthase (INOS), IL-1β, and IL-6 mRNA and TNF-α protein "
        "expression levels were suppressed upon GC treatment in RAW264.7 cells."
    )
    assert read(extractor, sentence) == {}


def test_co_occurring_phenotypes_are_no_relation(extractor):
    # PMID 34093849: "impaired" after "X and" qualifies the next name (rule 12).
    sentence = (
        "Rationale: Osteoporotic patients suffer symptoms of excessive osteoclastogenesis and impaired "
        "osteogenesis, resulting in a great challenge to treat osteoporosis-related bone defects."
    )
    assert read(extractor, sentence) == {}


def test_a_second_verb_belongs_to_the_subject_not_to_the_object_before_it(extractor):
    # PMID 33857573: RSPO2, no tag, is the subject of "repressed"; Wnt, the object of
    # "activated", is not (rule 13).
    sentence = (
        "Then, RSPO2 overexpression activated Wnt/β-catenin pathway and repressed the osteogenic "
        "differentiation of ligament fibroblasts."
    )
    assert read(extractor, sentence) == {}


def test_a_compound_modifying_cells_governs_no_later_name(extractor):
    # PMID 34023356: "IL-1β-stimulated NP cells" says nothing of NFKB2 after the comma (rule 7).
    sentence = (
        "In IL-1β-stimulated NP cells, silencing NFKB2 attenuated, whereas silencing NRG1 aggravated the "
        "degenerative changes and inflammation; the effects of NFKB2 silencing were significantly reversed by "
        "NRG1 silencing."
    )
    assert read(extractor, sentence) == {}


def test_shapes_of_rules_7_to_9(extractor):
    # Written for the rules (LABELLING.md 7-9), not taken from records: the labelled dev
    # sentences hold none of these shapes.
    assert read(extractor, "Bortezomib abrogated TNF-α-induced IL-6 secretion in stromal cells.") == {
        ("proteasome-inhibitors", "decreases", "il-6"): (False, False),  # the compound's head, not TNF-α
        ("tnf-a", "increases", "il-6"): (False, False),
    }
    assert read(extractor, "IL-6 secretion increased in response to TNF-α.") == {
        ("tnf-a", "increases", "il-6"): (False, False)
    }
    assert read(extractor, "IL-6 expression was upregulated upon TNF-α stimulation.") == {
        ("tnf-a", "increases", "il-6"): (False, False)
    }
    assert read(extractor, "RANKL is responsible for osteoclastogenesis.") == {
        ("rankl", "increases", "osteoclastogenesis"): (False, False)
    }
    # A verb of no direction is no claim, negated or not (rule 10); "did not promote" is negated.
    assert read(extractor, "IL-6 was not altered by TNF-α.") == {}
    assert read(extractor, "TNF-α did not promote IL-6 expression.") == {("tnf-a", "increases", "il-6"): (True, False)}
