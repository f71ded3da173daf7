"""The shapes of the JSON fields curators can edit: one JSON schema each. A value a curator enters
must match its schema (JSONShape, the fields' validator, names the field and the fault); a value
already stored is read by display code through well_formed(), which keeps what matches and drops
the rest, so a wrong shape stored by an older version or raw SQL never breaks a page."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible

# Deeper than any shape below (MeSH qualifiers are four levels down): refused before parsing, so
# a curator's 2,000-level array is a message, not Python's RecursionError.
MAX_DEPTH = 20

_TEXT = {"type": "string"}
_TEXTS = {"type": "array", "items": _TEXT}


def _record(**properties) -> dict:
    """An object with exactly these properties, all required."""
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


_MESH_TERM = {"ui": _TEXT, "name": _TEXT, "major": {"type": "boolean"}}

SCHEMAS = {
    "article_ids": {"type": "object", "additionalProperties": _TEXT},  # {"doi": "10.…", "pubmed": "123"}
    "abstract_sections": {"type": "array", "items": _record(label=_TEXT, category=_TEXT, text=_TEXT)},
    "languages": _TEXTS,
    "keywords": _TEXTS,
    "mesh_headings": {
        "type": "array",
        "items": _record(**_MESH_TERM, qualifiers={"type": "array", "items": _record(**_MESH_TERM)}),
    },
    "chemicals": _TEXTS,
    "corrections": {
        "type": "array",
        "items": _record(type=_TEXT, source=_TEXT, pmid={"type": ["integer", "null"], "minimum": 1}),
    },
    "affiliations": _TEXTS,
}


@deconstructible
class JSONShape:
    """The validator of a JSON field: its value matches SCHEMAS[shape], or a ValidationError
    names the field, where in the value the fault is, and what it is."""

    def __init__(self, shape: str):
        self.shape = shape

    def __call__(self, value):
        error = _first_error(self.shape, value)
        if error is not None:
            where = "".join(f"[{part}]" if isinstance(part, int) else f"[{part!r}]" for part in error.absolute_path)
            raise ValidationError(f"{self.shape}{where}: {_problem(error)}", code="wrong_shape")

    def __eq__(self, other):
        return isinstance(other, JSONShape) and other.shape == self.shape


def _problem(error) -> str:
    """The fault in words, without jsonschema's copy of the offending value (which may be huge)."""
    if error.validator == "type":
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        return f"should be {' or '.join(_TYPE_WORDS[t] for t in expected)}."
    if error.validator == "additionalProperties":
        return f"unexpected key (allowed: {', '.join(error.schema['properties'])})."
    return error.message[:200] + "."


_TYPE_WORDS = {
    "string": "text",
    "array": "a list",
    "object": "an object",
    "boolean": "true or false",
    "integer": "a whole number",
    "null": "null",
}


def _first_error(shape: str, value):
    """jsonschema's most relevant error of the value against SCHEMAS[shape], or None. jsonschema
    is imported at the first check: pages, which only read values, never load it."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import best_match

    if shape not in _VALIDATORS:
        _VALIDATORS[shape] = Draft202012Validator(SCHEMAS[shape])
    return best_match(_VALIDATORS[shape].iter_errors(value))


_VALIDATORS: dict = {}


def depth(value) -> int:
    """How deep lists and objects nest in a parsed value (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, level)
            if level > MAX_DEPTH:
                break
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[\[\]{}]")


def text_depth(text: str) -> int:
    """How deep arrays and objects nest in JSON text, brackets inside strings ignored."""
    level = deepest = 0
    for bracket in _BRACKET.findall(_STRING.sub("", text)):
        level += 1 if bracket in "[{" else -1
        deepest = max(deepest, level)
    return deepest


def well_formed(shape: str, value):
    """The stored value as display code may read it: of the schema's type (else empty), and of a
    list only the items, of an object only the entries, that match the schema. Checked by
    plain functions compiled once from the same schemas: jsonschema costs about a millisecond
    per MeSH list, and a paper page reads five fields, an export thousands."""
    fits = _ITEM_CHECKS[shape]
    if SCHEMAS[shape]["type"] == "object":
        return {k: v for k, v in value.items() if fits(v)} if type(value) is dict else {}
    return [item for item in value if fits(item)] if type(value) is list else []


def _check(schema: dict):
    """A function telling whether a value matches the schema, for the keywords SCHEMAS uses."""
    kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
    if kinds == ["string"]:
        return lambda value: type(value) is str
    if kinds == ["boolean"]:
        return lambda value: type(value) is bool
    if kinds == ["array"]:
        item = _check(schema["items"])
        return lambda value: type(value) is list and all(map(item, value))
    if kinds == ["object"]:  # every object in SCHEMAS requires exactly its properties
        keys = frozenset(schema["properties"])
        checks = [(key, _check(sub)) for key, sub in schema["properties"].items()]
        return lambda value: type(value) is dict and value.keys() == keys and all(c(value[k]) for k, c in checks)
    if kinds == ["integer", "null"]:
        least = schema.get("minimum")
        return lambda value: value is None or (type(value) is int and (least is None or value >= least))
    raise ValueError(f"no check for {schema}")


_ITEM_CHECKS = {
    shape: _check(schema["additionalProperties"] if schema["type"] == "object" else schema["items"])
    for shape, schema in SCHEMAS.items()
}


class Shaped:
    """A model instance's shaped JSON fields as display code reads them: `paper.shaped.keywords`
    is well_formed("keywords", paper.keywords)."""

    def __init__(self, instance):
        self._instance = instance

    def __getattr__(self, name):
        return well_formed(name, getattr(self._instance, name))


class BoundedJSONFormField(forms.JSONField):
    """A JSON form field that refuses text nested deeper than MAX_DEPTH before parsing it."""

    def to_python(self, value):
        if isinstance(value, str) and text_depth(value) > MAX_DEPTH:
            raise ValidationError(f"Nested more than {MAX_DEPTH} levels deep: not read.", code="too_deep")
        return super().to_python(value)

    def bound_data(self, data, initial):
        if isinstance(data, str) and text_depth(data) > MAX_DEPTH:
            return forms.fields.InvalidJSONInput(data)  # shown back as typed, never parsed
        return super().bound_data(data, initial)


class ShapedJSONField(models.JSONField):
    """A JSONField that refuses values nested deeper than MAX_DEPTH, as parsed values (before its
    validators, a JSONShape, walk them) and as form input (BoundedJSONFormField), and reads a
    stored value too deep for Python's parser as None, which well_formed() reads as empty."""

    def from_db_value(self, value, expression, connection):
        try:
            return super().from_db_value(value, expression, connection)
        except RecursionError:
            return None

    def validate(self, value, model_instance):
        if depth(value) > MAX_DEPTH:
            raise ValidationError(f"{self.name}: nested more than {MAX_DEPTH} levels deep.", code="too_deep")
        super().validate(value, model_instance)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": BoundedJSONFormField, **kwargs})

    def deconstruct(self):
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.JSONField", args, kwargs  # the same column: no table rebuilt
