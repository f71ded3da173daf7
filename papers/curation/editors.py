"""The paper page's editors of three JSON fields, as labelled text a curator reads and types:
languages as codes separated by commas, article identifiers as "kind: identifier" lines,
corrections as "type | source | PMID" lines. Each reads the text into the stored shape (refusing
what does not fit, in words, line by line) and writes a stored value back as the same text, so a
page saved untouched changes nothing and a hand edit is recorded as one (papers.curation). The
model's validators (papers.shapes) still check the values read."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator

from papers.catalogue.records import CORRECTION_TYPES
from papers.shapes import well_formed

LANGUAGE = re.compile(r"[a-z]{3}")
ID_KIND = re.compile(r"[a-z][a-z0-9_.-]*")
EXAMPLE_CORRECTION = "ErratumIn | Blood. 2020 Jan 9;135(2):154 | 31918456"


class TextEditedField(forms.CharField):
    """A JSON field edited as text: `read` parses the text (a ValidationError says what is wrong),
    `written` turns a stored value into text. A stored value of the wrong shape is shown with
    the parts that fit only (papers.shapes.well_formed)."""

    shape = ""

    def __init__(self, **kwargs):
        super().__init__(**{"required": False, **kwargs})

    def read(self, text: str):
        raise NotImplementedError

    def written(self, value) -> str:
        raise NotImplementedError

    def prepare_value(self, value):
        return value if isinstance(value, str) else self.written(well_formed(self.shape, value))

    def to_python(self, value):
        text = super().to_python(value)
        ProhibitNullCharactersValidator()(text)  # neither database stores them in JSON
        return self.read(text)

    def has_changed(self, initial, data):
        """Changed when the text reads differently from the stored value's text: an untouched
        page never records an edit, not even of a stored value of the wrong shape."""
        try:
            return self.to_python(data) != self.to_python(self.prepare_value(initial))
        except ValidationError:
            return True


def _lines(text: str):
    """(line number, line) of the non-blank lines, stripped."""
    return [(number, line.strip()) for number, line in enumerate(text.splitlines(), 1) if line.strip()]


def _refuse(errors: list[str]) -> None:
    if errors:
        raise ValidationError(errors, code="invalid")


class LanguagesField(TextEditedField):
    shape = "languages"

    def __init__(self, **kwargs):
        super().__init__(
            label="Languages",
            widget=forms.TextInput(attrs={"size": 30}),
            help_text="PubMed's three-letter codes, separated by commas: eng, fre.",
            **kwargs,
        )

    def read(self, text):
        codes = [code.lower() for code in re.split(r"[,\s]+", text) if code]
        _refuse(
            [
                f"“{code}” is not a language code: give PubMed's three-letter codes, such as eng or fre."
                for code in codes
                if not LANGUAGE.fullmatch(code)
            ]
        )
        return list(dict.fromkeys(codes))

    def written(self, value):
        return ", ".join(value)


class ArticleIdsField(TextEditedField):
    shape = "article_ids"

    def __init__(self, **kwargs):
        super().__init__(
            label="Article identifiers",
            widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
            help_text="One a line, its kind, a colon and the identifier: doi: 10.1000/xyz, pmc: PMC123, pii: S0000.",
            **kwargs,
        )

    def read(self, text):
        ids, errors = {}, []
        for number, line in _lines(text):
            kind, colon, identifier = (part.strip() for part in line.partition(":"))
            kind = kind.lower()
            if not colon or not ID_KIND.fullmatch(kind):
                errors.append(
                    f"Line {number} (“{line[:60]}”): write the kind of identifier, a colon, then the "
                    "identifier, as in “doi: 10.1000/xyz”."
                )
            elif not identifier:
                errors.append(f"Line {number}: no identifier after “{kind}:”.")
            elif kind in ids:
                errors.append(f"Line {number}: “{kind}” is given twice; give each kind of identifier once.")
            else:
                ids[kind] = identifier
        _refuse(errors)
        return ids

    def written(self, value):
        return "\n".join(f"{kind}: {identifier}" for kind, identifier in value.items())


class CorrectionsField(TextEditedField):
    shape = "corrections"

    def __init__(self, **kwargs):
        super().__init__(
            label="Correction notices",
            widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
            help_text="One notice a line: its type, the notice's citation and its PMID (if it has "
            f"one), separated by “|”: {EXAMPLE_CORRECTION}. Types are PubMed's: "
            f"{', '.join(sorted(CORRECTION_TYPES))}.",
            **kwargs,
        )

    def read(self, text):
        corrections, errors = [], []
        for number, line in _lines(text):
            parts = [part.strip() for part in line.split("|")]
            if len(parts) not in (2, 3):
                errors.append(
                    f"Line {number}: write the type, the citation and the PMID separated by “|”, "
                    f"as in “{EXAMPLE_CORRECTION}”."
                )
                continue
            kind, source, pmid = (*parts, "")[:3]
            if kind not in CORRECTION_TYPES:
                errors.append(
                    f"Line {number}: “{kind}” is not one of PubMed's correction types (listed below the field)."
                )
            if not source:
                errors.append(f"Line {number}: the notice's citation is missing.")
            number_given = pmid.isascii() and pmid.isdigit() and int(pmid) > 0
            if pmid and not number_given:
                errors.append(f"Line {number}: the PMID “{pmid}” is not a PMID; leave it out if the notice has none.")
            corrections.append({"type": kind, "source": source, "pmid": int(pmid) if number_given else None})
        _refuse(errors)
        return corrections

    def written(self, value):
        return "\n".join(" | ".join([c["type"], c["source"], *([str(c["pmid"])] if c["pmid"] else [])]) for c in value)


EDITORS = {"languages": LanguagesField, "article_ids": ArticleIdsField, "corrections": CorrectionsField}
