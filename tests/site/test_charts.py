"""The per-year chart and the page-range arithmetic the citation formats share."""

import re

import pytest

from papers.catalogue.citation import page_range
from papers.site.charts import year_chart


def test_year_chart_draws_a_bar_per_year_including_empty_years():
    svg = year_chart({2019: 4, 2021: 2})
    titles = re.findall(r"<g><title>([^<]+)</title>", svg)
    assert titles == ["2019: 4 papers", "2020: 0 papers", "2021: 2 papers"]
    heights = [float(h) for h in re.findall(r'height="([\d.]+)" fill', svg)]
    assert heights[1] == 0 and heights[0] == pytest.approx(2 * heights[2])
    assert "Papers per year, 2019–2021: 6 in all, at most 4 in a year" in svg
    assert "style=" not in svg and "<script" not in svg  # allowed by a strict content security policy


def test_year_chart_labels_about_ten_years_of_a_long_span():
    svg = year_chart({year: 1 for year in range(1960, 2026)})
    labels = re.findall(r'text-anchor="middle">(\d{4})</text>', svg)
    assert 8 <= len(labels) <= 12 and labels[0] == "1960"


def test_year_chart_of_nothing_is_empty():
    assert year_chart({}) == ""


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        ("1123-9", ("1123", "1129", "1123-1129")),
        ("1710-1721", ("1710", "1721", "1710-1721")),
        ("e102-10", ("e102", "e110", "e102-e110")),
        ("345", ("345", "", "345")),
        ("", ("", "", "")),
        ("93-8, 103-4", ("93-98, 103-104", "", "93-98, 103-104")),
        ("12-3a", ("12-3a", "", "12-3a")),
    ],
)
def test_page_range_expands_medline_abbreviations(pages, expected):
    assert page_range(pages) == expected
