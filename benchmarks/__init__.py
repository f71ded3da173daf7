"""Tooling beside the site, not part of it: `manage.py benchmark` in parts, the throw-away
corpus (corpus), the queries asked of it (queries), the timings (measures) and the table or JSON
printed (report), and the real MEDLINE baseline files that the benchmark and the demo data come
from (baseline). It imports papers; papers never imports it."""
