"""`line`, the one writer of every CSV row the app writes (papers, claims), safe from formula
injection. In the catalogue, the lowest layer, because the site's exports and the claims' both
write CSV."""

import csv
import io


def line(cells) -> str:
    """One CSV row of these cells, each one that a spreadsheet would run as a formula made text."""
    out = io.StringIO()
    csv.writer(out).writerow(_cell(cell) for cell in cells)
    return out.getvalue()


def _cell(value) -> str:
    """Text a spreadsheet will not run as a formula: a leading = + - @ tab or CR gets an apostrophe."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
