"""The stored sentences naming two or more tags (CoMention) that "Sentences to read" lists: written
on import, `retag` and a hand edit of the text, replaced whole when the text changes, left alone
by a re-import of an unchanged record, filled by the migration for papers already stored; and the
list's page takes the same few statements however many sentences there are."""

import io
import re
import sqlite3

import psycopg2
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from papers.catalogue.models import Paper, Tag
from papers.claims import reading
from papers.claims.models import Claim, CoMention, SentenceDecision
from papers.curation import services as curation
from papers.tagging.retagging import retag
from tests.support.paths import SAMPLES
from tests.support.scratch import manage

LYTIC = SAMPLES / "efetch_pubmed_38856741_myeloma_lytic_lesions.xml"
TITLE = "RANKL induces osteoclastogenesis."
SERUM = "Serum TNF-α and DKK-1 were measured together."
ABSTRACT = (
    f"IL-6 was measured. DKK-1 and IL-6 levels were high. Osteoclasts were counted. {SERUM} "
    "TNF-α increases IL-6 secretion."
)
URL = "/admin/papers/claim/sentences/"


def record(tmp_path, abstract=ABSTRACT, name="record.xml"):
    """The recorded lytic-lesions record with this title and abstract."""
    xml = LYTIC.read_text()
    xml = re.sub(r"<ArticleTitle>.*?</ArticleTitle>", f"<ArticleTitle>{TITLE}</ArticleTitle>", xml, count=1)
    xml = re.sub(r"<Abstract>.*?</Abstract>", f"<Abstract><AbstractText>{abstract}</AbstractText></Abstract>", xml)
    path = tmp_path / name
    path.write_text(xml)
    return path


def import_xml(path):
    call_command("import_pubmed", "--from-xml", str(path), stdout=io.StringIO())


def stored():
    """Each stored row: field, sentence, the slugs it names with their words, suggested."""
    tags = {tag.pk: tag.slug for tag in Tag.objects.all()}
    return [
        (row.field, row.sentence, [(tags[t], row.sentence[s:e]) for t, s, e in row.tags], row.suggested)
        for row in CoMention.objects.order_by("paper_id", "place")
    ]


def listed():
    return [item.sentence.text for item in reading.sentences_to_read()]


IMPORTED = [
    ("title", TITLE, [("rankl", "RANKL"), ("osteoclastogenesis", "osteoclastogenesis")], True),
    ("abstract", "DKK-1 and IL-6 levels were high.", [("dkk1", "DKK-1"), ("il-6", "IL-6")], False),
    ("abstract", SERUM, [("tnf-a", "TNF-α"), ("dkk1", "DKK-1")], False),
    ("abstract", "TNF-α increases IL-6 secretion.", [("tnf-a", "TNF-α"), ("il-6", "IL-6")], True),
]


def test_an_import_stores_the_sentences_and_an_unchanged_re_import_keeps_them(taxonomy, tmp_path):
    path = record(tmp_path)
    import_xml(path)
    assert stored() == IMPORTED
    assert listed() == [TITLE, "TNF-α increases IL-6 secretion.", "DKK-1 and IL-6 levels were high.", SERUM]
    ids = list(CoMention.objects.order_by("pk").values_list("pk", flat=True))
    import_xml(path)
    assert list(CoMention.objects.order_by("pk").values_list("pk", flat=True)) == ids


def test_a_corrected_abstract_replaces_the_papers_sentences(taxonomy, tmp_path):
    import_xml(record(tmp_path))
    import_xml(record(tmp_path, ABSTRACT.replace(SERUM, "Serum TNF-α rose.").replace("and IL-6 ", ""), "fixed.xml"))
    assert stored() == [IMPORTED[0], IMPORTED[3]]
    assert listed() == [TITLE, "TNF-α increases IL-6 secretion."]


def test_retag_and_a_hand_edit_rewrite_the_sentences(taxonomy, staff):
    paper = Paper.objects.create(pmid=1, title=TITLE, abstract=ABSTRACT)
    assert not CoMention.objects.exists()  # not read yet
    retag(Paper.objects.filter(pk=paper.pk))
    assert stored() == IMPORTED
    retag(Paper.objects.filter(pk=paper.pk))
    assert stored() == IMPORTED
    curation.edit_paper(paper, staff.curator, {"abstract": f"{SERUM} IL-6 was measured."})
    assert stored() == [IMPORTED[0], ("abstract", SERUM, IMPORTED[2][2], False)]
    curation.edit_paper(paper, staff.curator, {"title": "A cohort study."})
    assert stored() == [("abstract", SERUM, IMPORTED[2][2], False)]
    assert listed() == [SERUM]


def test_a_page_of_the_list_takes_the_same_few_statements_however_long_it_is(taxonomy, staff, client):
    client.force_login(staff.curator)

    def statements(page=1):
        with CaptureQueriesContext(connection) as captured:
            answer = client.get(f"{URL}?page={page}")
        assert answer.status_code == 200
        return len(captured), answer.content.decode().count('class="module sentence-to-read"')

    paper = Paper.objects.create(pmid=1, title=TITLE, abstract=ABSTRACT)
    retag(Paper.objects.filter(pk=paper.pk))
    few = statements()
    # 3,000 more sentences of 1,000 papers, one in six with a suggested claim; 100 decided.
    rankl, il6 = Tag.objects.get(slug="rankl"), Tag.objects.get(slug="il-6")
    papers = Paper.objects.bulk_create(Paper(pmid=pmid, title=TITLE) for pmid in range(2, 1002))
    sentence = {"field": "abstract", "sentence": "RANKL and IL-6."}
    Claim.objects.bulk_create(
        Claim(paper=p, agent=rankl, relation="increases", target=il6, **sentence) for p in papers[::2]
    )
    CoMention.objects.bulk_create(
        CoMention(
            paper=p,
            place=place,
            sentence_start=20 * place,
            tags=[[rankl.pk, 0, 5], [il6.pk, 10, 14]],
            suggested=place == 0 and i % 2 == 0,
            **sentence,
        )
        for i, p in enumerate(papers)
        for place in range(3)
    )
    SentenceDecision.objects.bulk_create(
        SentenceDecision(paper=p, field="abstract", sentence_start=20, sentence=text)
        for p, text in [(p, sentence["sentence"]) for p in papers[:100]]
        + [(p, "Other words.") for p in papers[100:200]]
    )
    assert reading.sentences_to_read().count() == 2904
    many, last = statements(), statements(59)
    # The last page holds no suggested sentence: no claims to look up.
    assert few[1] == 4 and many == (few[0], 50) and last[1] == 4 and last[0] <= few[0] <= 10


def test_the_migration_fills_the_sentences_of_stored_papers(scratch_database):
    """The demo, imported (its claims decided as the demo does), then the table dropped and made
    again by migrating back and forth: the same sentences, each suggested where a claim the
    reader suggested from it awaits review."""
    url = scratch_database(start="demo")
    columns = "paper_id, field, place, sentence_start, sentence, tags"

    def rows(statement):
        """The statement's rows, committed."""
        sqlite = connection.vendor == "sqlite"
        db = sqlite3.connect(url.removeprefix("sqlite:///")) if sqlite else psycopg2.connect(url)
        try:
            cursor = db.cursor()
            cursor.execute(statement)
            found = cursor.fetchall()
            db.commit()
            return found
        finally:
            db.close()

    imported = rows(f"SELECT {columns} FROM papers_comention ORDER BY paper_id, place")
    assert len(imported) > 100
    manage(url, "migrate", "-v0", "papers", "0028_paper_claim_context")
    # The demo decides every claim it suggests: some are suggested again, as before a review.
    rows("UPDATE papers_claim SET status = 'suggested' WHERE source = 'extractor' AND id % 2 = 0 RETURNING id")
    manage(url, "migrate", "-v0")
    assert rows(f"SELECT {columns} FROM papers_comention ORDER BY paper_id, place") == imported
    suggested = set(rows("SELECT paper_id, field, sentence_start FROM papers_comention WHERE suggested"))
    claims = set(rows("SELECT paper_id, field, sentence_start FROM papers_claim WHERE status = 'suggested'"))
    assert suggested and suggested == claims & set(rows("SELECT paper_id, field, sentence_start FROM papers_comention"))
