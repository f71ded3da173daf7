"""The searches the benchmark asks, as the site's query parameters (papers.site.forms.SearchForm).

Chosen by document frequency in the baseline corpus (1977-79 and 2020-21 records of every
field, not just myeloma). Selective: a mechanism, a gene symbol, a synonym the taxonomy
expands, a phrase: well under 1 % of papers. Common: words and OR-queries matching about
20-70 % of papers, and queries with facets. PostgreSQL's English configuration drops stop
words, so none is used; the match share of each query is measured and reported.
"""

SELECTIVE = [
    {"q": "osteoclastogenesis"},
    {"q": "angiogenesis"},
    {"q": "apoptosis"},
    {"q": "autophagy"},
    {"q": "ferroptosis"},
    {"q": "TNFSF11"},  # a synonym: searched as RANKL and its other names
    {"q": "IL-6"},
    {"q": "STAT3"},
    {"q": "NF-κB"},
    {"q": "CXCR4"},
    {"q": "p53"},
    {"q": "hypercalcemia"},
    {"q": "bortezomib"},
    {"q": '"multiple myeloma"'},
    {"q": '"unfolded protein response"'},
    {"q": '"bone marrow stromal cells"'},
    {"q": "apoptosis", "year_from": "2020"},
]

COMMON = [
    {"q": "humans"},
    {"q": "study"},
    {"q": "patients"},
    {"q": "female"},
    {"q": "animals"},
    {"q": "results"},
    {"q": "humans OR animals"},
    {"q": "female OR male"},
    {"q": "patients OR cells"},
    {"q": "study OR analysis"},
    {"q": "treatment OR therapy OR disease"},
    {"q": "humans", "year_from": "2000"},
    {"q": "study", "type": "Journal Article"},
    {"q": "humans OR animals", "sort": "newest"},
    {"q": "male female"},
]

DEEP = {"q": "humans OR animals"}  # paginated to page 500 (10,000 results in)

# Export a list of about EXPORT_RECORDS: the query whose count is nearest is chosen at run time.
EXPORT_RECORDS = 1000
EXPORT_CANDIDATES = [
    "apoptosis",
    "SARS-CoV-2",
    "COVID-19",
    "mice",
    "expression",
    "cancer",
    "tumor",
    "mitochondrial",
    "multiple",
    "rats",
]


def label(params: dict) -> str:
    """The query as a reader would type it, with its facets."""
    facets = " ".join(f"{name}={value}" for name, value in params.items() if name != "q")
    return f"{params['q']} [{facets}]" if facets else params["q"]
