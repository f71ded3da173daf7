"""Migration 0018: approved papers without an approval time (reviewed_at) get one, their last
moderation entry's time if any, else their last change's; others are left alone. Run on a
scratch database through manage.py, as an operator would."""

from tests.support.paths import SAMPLES
from tests.support.scratch import manage, printed

BEFORE = "0017_paper_value_ranges_and_json_shapes"
# Only the columns read: the schema is 0017's when it runs, without the columns added since.
STATE = (
    "import json; from papers.catalogue.models import Paper;"
    " print(json.dumps({pmid: [status, reviewed and reviewed.isoformat(), updated.isoformat()] for pmid, status,"
    " reviewed, updated in Paper.objects.order_by('pmid').values_list('pmid', 'status', 'reviewed_at', 'updated_at')}))"
)


def test_approved_papers_get_their_approval_time(scratch_database):
    # The papers are written by today's code, then the schema is taken back to before 0018: the
    # importer's models are those of the latest migration, not of 0017.
    url = scratch_database(start="migrated")  # the suite's own database engine: CI runs the suite on both
    manage(url, "import_pubmed", "--from-xml", str(SAMPLES / "efetch_pubmed_five_records_medlinedate.xml"))
    manage(
        url,
        "shell",
        "-c",
        "from django.utils import timezone; from datetime import timedelta; from papers.catalogue.models import Paper; from papers.curation.models import PaperEvent;"  # noqa: E501
        " papers = list(Paper.objects.order_by('pmid'));"
        " Paper.objects.filter(pk__in=[p.pk for p in papers[:3]]).update(status='approved');"
        " Paper.objects.update(reviewed_at=None);"
        " PaperEvent.objects.create(paper=papers[0], kind='status', summary='Approved', at=timezone.now() - timedelta(days=9))",  # noqa: E501
    )
    manage(url, "migrate", "-v0", "papers", BEFORE)
    before = printed(url, STATE)
    manage(url, "migrate", "-v0")
    after = printed(url, STATE)
    pmids = sorted(before, key=int)
    assert all(before[p][1] is None for p in pmids)
    assert after[pmids[0]][1][:10] != after[pmids[0]][2][:10]  # the moderation entry's day, nine days ago
    assert [after[p][1] for p in pmids[1:3]] == [after[p][2] for p in pmids[1:3]]  # their last change
    assert [after[p] for p in pmids[3:]] == [before[p] for p in pmids[3:]]  # pending: untouched
