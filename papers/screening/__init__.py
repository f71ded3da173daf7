"""Screening: ranking undecided papers by how likely a curator is to include them, learned from
the decisions made so far, and measuring that ranking as the screening field does.

`metrics` (pure Python, imports nothing but the standard library, so the ASReview comparison in
`benchmarks/` can share it), `model` (the text classifier and its cold start), `simulation`
(labelled sets read and replayed). Plain data in and out; no Django models."""
