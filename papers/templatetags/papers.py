"""Template filters for PubMed's markup."""

from django import template
from django.utils.safestring import mark_safe

from papers.catalogue.markup import sanitize, to_text

register = template.Library()


@register.filter
def safe_markup(fragment: str) -> str:
    """Show a title or abstract with its inline markup, after the allow-list sanitizer."""
    return mark_safe(sanitize(fragment or ""))  # noqa: S308 - sanitize() is the allow-list


@register.filter
def plain_text(fragment: str) -> str:
    """A title or abstract without its markup (for <title> and attributes; escaped as usual)."""
    return to_text(fragment or "")
