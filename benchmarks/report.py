"""The figures as a table, each beside its floor, the ratio and the target it is held to.

Targets (issue 7; the claim targets issue 21's) are for 100,000 papers on a 2-core machine; at other sizes they are shown
for orientation only.
"""  # noqa: E501

TARGETS = {  # (measure, PostgreSQL limit, SQLite limit); "≥" for rates, "≤" otherwise
    "import_records_per_s": (1000, 1500),
    "search_selective_p95_ms": (40, 60),
    "search_about_half_p95_ms": (150, 200),
    "search_to_floor_p50": (5, 5),
    "topic_p95_ms": (30, 30),
    "paper_p95_ms": (30, 30),
    "deep_to_first_page_p50": (1.5, 1.5),
    "sql_queries_per_page": (10, 10),
    "claim_suggestion_overhead_pct": (15, 15),
    "claim_pages_p95_ms": (100, 100),
    "sentences_to_read_p95_ms": (100, 100),
}


def checks(figures: dict) -> dict:
    """Each target's measured value, limit and whether it is met (None: not measured)."""
    search = {kind: _ok(row) for kind, row in (figures["search"] or {}).items()}
    browse = {name: _ok(row) for name, row in figures["browse"].items()}
    deep = _ok(figures["deep_pagination"])
    claims = [row for row in map(_ok, figures["claims"].values()) if row]
    pages = [
        p for p in (*search.values(), *browse.values(), deep and deep["page_1"], _ok(figures["export"]), *claims) if p
    ]
    measured = {
        "import_records_per_s": figures["import"]["import_records_per_s"],
        "search_selective_p95_ms": _get(search, "selective", "page", "p95"),
        "search_about_half_p95_ms": _get(search, "common", "p95_of_queries_matching_about_half"),
        "search_to_floor_p50": _ratio(search.get("common")),
        "topic_p95_ms": _get(browse, "topic", "page", "p95"),
        "paper_p95_ms": _get(browse, "paper", "page", "p95"),
        "deep_to_first_page_p50": (
            round(deep["page_deep"]["page"]["p50"] / deep["page_1"]["page"]["p50"], 2)
            if deep and "page_deep" in deep
            else None
        ),
        "sql_queries_per_page": max((p.get("max_sql_queries", p.get("queries", 0)) for p in pages), default=None),
        # Not measured by --compare's rounds, which import once each.
        "claim_suggestion_overhead_pct": figures["import"].get("claim_suggestion_overhead_pct"),
        "claim_pages_p95_ms": max((row["page"]["p95"] for row in claims), default=None),
        "sentences_to_read_p95_ms": _get(figures["claims"], "sentences_to_read", "page", "p95"),
    }
    column = 0 if figures["database"] == "postgresql" else 1
    result = {}
    for name, value in measured.items():
        limit = TARGETS[name][column]
        higher_is_better = name.endswith("_per_s")
        met = None if value is None else (value >= limit if higher_is_better else value <= limit)
        result[name] = {"value": value, "target": f"{'≥' if higher_is_better else '≤'} {limit}", "met": met}
    return result


def table(figures: dict) -> list[str]:
    """Lines of the printed report."""
    lines = [
        f"database {figures['database']}, {figures['papers']:,} papers ({figures['public']:,} approved), "
        f"{figures['samples']} samples per page",
        "",
        "import",
    ]
    lines += [f"  {name:<34} {value}" for name, value in figures["import"].items()]
    lines += ["", "corpus"] + [f"  {name:<34} {value}" for name, value in figures["corpus"].items()]
    lines += [
        "",
        f"  {'page (ms)':<34} {'p50':>8} {'p95':>8} {'floor p50':>10} {'ratio':>7} {'SQL':>5} {'repeat p95':>11}",
    ]
    for name, row in _page_rows(figures):
        if row is None or "error" in row:
            lines.append(f"  {name:<34} {row['error'] if row else 'nothing to measure'}")
            continue
        page, floor = row["page"], row["floor"]
        queries = row.get("max_sql_queries", row.get("queries", ""))
        repeat = row["repeat"]["p95"] if "repeat" in row else "-"
        lines.append(
            f"  {name:<34} {page['p50']:>8} {page['p95']:>8} {floor['p50']:>10} "
            f"{_ratio(row):>7} {queries:>5} {repeat:>11}"
        )
    searched = [(kind, row) for kind, row in (figures["search"] or {}).items() if _ok(row)]
    if searched:
        lines += ["", f"  {'search query (ms)':<46} {'share':>6} {'p50':>7} {'p95':>7} {'floor':>7}"]
        for kind, row in searched:
            for q in row["queries"]:
                lines.append(
                    f"  {kind[0]} {q['query'][:44]:<44} {q['share']:>6.1%} {q['page']['p50']:>7} "
                    f"{q['page']['p95']:>7} {q['floor']['p50']:>7}"
                )
    lines += ["", "index"] + [f"  {name:<34} {value}" for name, value in figures["index"].items()]
    lines += ["", f"  {'target':<34} {'value':>8}  {'limit':<8} met"]
    for name, check in figures["targets"].items():
        verdict = {True: "yes", False: "NO", None: "not measured"}[check["met"]]
        lines.append(
            f"  {name:<34} {check['value'] if check['value'] is not None else '-':>8}  {check['target']:<8} {verdict}"
        )
    return lines


def _page_rows(figures: dict):
    search, deep = figures["search"] or {}, figures["deep_pagination"]
    yield "search, selective", search.get("selective")
    yield "search, common", search.get("common")
    for name, row in figures["browse"].items():
        yield f"{name} page", row
    if _ok(deep):
        yield "search page 1", deep["page_1"]
        yield f"search page {deep['deep_page']}", deep.get("page_deep")
    else:
        yield "search page 1 and 500", deep
    yield "export (RIS)", figures["export"]
    for name, row in figures["claims"].items():
        listed = f" ({row['sentences']:,})" if _ok(row) and "sentences" in row else ""
        yield f"claims: {name}{listed}", row


def _ok(row: dict | None) -> dict | None:
    """A measured row; None for a page not available or failing."""
    return row if row and "error" not in row else None


def _ratio(row: dict | None) -> float | None:
    if not row or not row["floor"]["p50"]:
        return None
    return round(row["page"]["p50"] / row["floor"]["p50"], 1)


def _get(data: dict, *keys):
    for key in keys:
        if not data:
            return None
        data = data.get(key)
    return data
