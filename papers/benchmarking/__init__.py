"""`manage.py benchmark`, in parts: the throw-away corpus (corpus), the queries asked of it
(queries), the timings (measures) and the table or JSON printed (report)."""
