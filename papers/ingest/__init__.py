"""Getting PubMed records in: everything before the importer stores them.

- `client`: the E-utilities client (Bio.Entrez with time-outs, retries and clear errors).
- `medline`: the pure PubMed XML parser (XML → plain `PubMedRecord`s; no Django).
- `worker`: that parser in a process of its own, feeding the importer batches.
- `pmids`: PMIDs from pasted text or files.
- `requests`: the one import-request form and its limits, for the admin, the API and the command.
"""
