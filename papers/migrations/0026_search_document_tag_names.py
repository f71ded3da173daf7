"""The search documents name their confirmed tags apart from the paper's own words, by one word a
tag (tag_names, papers.search.query.tag_key), so that exact mode ("only the words typed")
searches only what the paper says, and the default mode finds a tag's papers by the tag itself.
With the tags' names and synonyms among its indexing terms, a search for zoledronic acid without
synonyms found every paper tagged with the bisphosphonates, and one for RANKL every paper tagged
RANK (its "TRANCE receptor" holds RANKL's "TRANCE").

A document's terms began with its tags' names, "; " between them: one UPDATE a chunk of tagged
papers cuts them off and writes the tags' words (a document whose terms do not begin so keeps
them, for check_search_index to find). PostgreSQL's vector gains tag_names at weight D: it is
dropped first, so that the UPDATE parses nothing, then added back, which rewrites the table once
(no dead rows left), kept in the row (0010) and indexed. SQLite's FTS5 table is made again with
the fourth column and rebuilt from the documents. Not atomic: PostgreSQL refuses the ALTER TABLE
after the UPDATE in one transaction (the UPDATE's deferred checks are pending), so the UPDATE
commits in its own; run again, it finds nothing more to cut. Unapplied, the names are written
back before the terms.
"""

from functools import partial
from importlib import import_module

from django.db import migrations, models

from papers.search import sqlite
from papers.search.indexing import CHUNK, plain
from papers.search.query import tag_key

initial = import_module(".0004_search", __package__)

DOCUMENTS = "papers_searchdocument"
WEIGHTED = [
    "setweight(to_tsvector('english'::regconfig, title), 'A')",
    "setweight(to_tsvector('english'::regconfig, terms), 'B')",
    "setweight(to_tsvector('english'::regconfig, abstract), 'C')",
]


def _add_vector(weighted: list[str]) -> list[str]:
    return [
        f"ALTER TABLE {DOCUMENTS} ADD COLUMN vector tsvector GENERATED ALWAYS AS ({' || '.join(weighted)}) STORED,"
        " ALTER COLUMN vector SET STORAGE MAIN",
        f"CREATE INDEX papers_searchdocument_vector ON {DOCUMENTS} USING gin (vector)",
    ]


DROP_VECTOR = [f"ALTER TABLE {DOCUMENTS} DROP COLUMN vector"]  # and its index
NEW_VECTOR = _add_vector([*WEIGHTED, "setweight(to_tsvector('english'::regconfig, tag_names), 'D')"])
OLD_VECTOR = _add_vector(WEIGHTED)
# Each tagged document's names (v.names), cut from the start of its terms, and its tags' words.
SPLIT = f"""WITH v(id, names, tags) AS (VALUES {{rows}})
UPDATE {DOCUMENTS} SET tag_names = v.tags, terms = CASE
    WHEN terms = v.names THEN ''
    WHEN substr(terms, 1, length(v.names) + 2) = v.names || '; ' THEN substr(terms, length(v.names) + 3)
    ELSE terms END
FROM v WHERE paper_id = v.id"""
# Each document's confirmed tags' names (v.names) before its terms again.
MERGE = f"""WITH v(id, names) AS (VALUES {{rows}})
UPDATE {DOCUMENTS} SET tag_names = '', terms = CASE WHEN terms = '' THEN v.names ELSE v.names || '; ' || terms END
FROM v WHERE paper_id = v.id"""
REBUILD = f"INSERT INTO {sqlite.TABLE}({sqlite.TABLE}) VALUES ('rebuild')"


def _by_vendor(sql: dict[str, list[str]], apps, schema_editor) -> None:
    for statement in sql.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def _tagged(apps) -> dict[int, tuple[list[str], list[str]]]:
    """Each paper's confirmed tags: their names and synonyms as the terms began with them, and
    their slugs."""
    PaperTag = apps.get_model("papers", "PaperTag")
    tagged: dict[int, tuple[list[str], list[str]]] = {}
    confirmed = PaperTag.objects.filter(status="confirmed").order_by("paper_id", "tag__name")
    for paper_id, slug, name, synonyms in confirmed.values_list(
        "paper_id", "tag__slug", "tag__name", "tag__synonyms"
    ).iterator():
        names, slugs = tagged.setdefault(paper_id, ([], []))
        names.extend([name, *synonyms])
        slugs.append(slug)
    return tagged


def _update(schema_editor, statement: str, rows: list[tuple]) -> None:
    with schema_editor.connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            values = ", ".join(["(" + ", ".join(["%s"] * len(chunk[0])) + ")"] * len(chunk))
            cursor.execute(statement.format(rows=values), [value for row in chunk for value in row])


def split(apps, schema_editor) -> None:
    rows = [
        (pk, plain("; ".join(names)), " ".join(map(tag_key, slugs))) for pk, (names, slugs) in _tagged(apps).items()
    ]
    _update(schema_editor, SPLIT, rows)


def merge(apps, schema_editor) -> None:
    _update(schema_editor, MERGE, [(pk, plain("; ".join(names))) for pk, (names, _) in _tagged(apps).items()])


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("papers", "0025_sentence_decisions"),
    ]

    operations = [
        migrations.RunPython(
            partial(_by_vendor, {"postgresql": DROP_VECTOR, "sqlite": sqlite.DROP}),
            partial(_by_vendor, {"postgresql": OLD_VECTOR, "sqlite": [*initial.SQLITE_CREATE, REBUILD]}),
        ),
        migrations.AddField(
            model_name="searchdocument",
            name="tag_names",
            field=models.TextField(blank=True, help_text="A word per confirmed tag (papers.search.query.tag_key)."),
        ),
        migrations.AlterField(
            model_name="searchdocument",
            name="terms",
            field=models.TextField(blank=True, help_text="MeSH headings, chemicals, keywords."),
        ),
        migrations.RunPython(split, merge, atomic=True),
        migrations.RunPython(
            partial(_by_vendor, {"postgresql": NEW_VECTOR, "sqlite": [*sqlite.CREATE, REBUILD]}),
            partial(_by_vendor, {"postgresql": DROP_VECTOR, "sqlite": sqlite.DROP}),
        ),
    ]
