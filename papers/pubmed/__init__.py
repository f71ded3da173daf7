"""PubMed in: from E-utilities or recorded XML to stored papers.

- `client`: the E-utilities client (Bio.Entrez with time-outs, retries and clear errors).
- `medline`: the pure PubMed XML parser (XML → the plain records of papers.catalogue.records; no Django).
- `worker`: that parser in a process of its own, feeding the importer batches.
- `pmids`: PMIDs from pasted text or files.
- `forms`: the one import-request form and its limits, for the admin, the API and the command.
- `importer`: the idempotent importer and its report; `runs`: ImportRun and running one; `tasks`: the background task.
"""
