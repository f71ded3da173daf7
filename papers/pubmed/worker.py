"""The parsing worker: reads a PubMed XML file in a process of its own, a batch at a time.

Parsing, and what the importer works out of each record before it writes (`annotate`: in practice
papers.pubmed.preparing, the tagger's findings among it), is most of an import's CPU time; in a
second process, on a second core, it overlaps with the importer's database work.

Neither side can leave the other waiting: the worker reports every fault it meets (a record's
own fault in that record's place, anything else as its last word), the importer waits for each
message with a time-out and notices a worker that died, and a worker whose importer died (even
by SIGKILL, which runs no clean-up) ends itself.
"""

from __future__ import annotations

import multiprocessing
import os
import queue as queues
import threading
import time
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path

from papers.pubmed.medline import BadRecord, PubMedXMLError, iter_records, open_xml

# Longest wait for the next batch: a batch is parsed and tagged in about a second, so a worker
# this long silent (yet alive) is stuck, and the import says so instead of waiting for ever.
BATCH_SECONDS = 300
_PARENT_CHECK_SECONDS = 0.5


class ParserStopped(PubMedXMLError):
    """The parsing process died or stalled (killed for memory, say): not a fault of the file."""


def read_batches(
    path: str | Path, size: int, annotate: Callable | None = None, batch_seconds: float = BATCH_SECONDS
) -> Iterator[list[tuple]]:
    """Batches of (record, annotate(record)) from an XML file (.gz too), parsed in a second process.

    A record that cannot be read (or annotated) comes as (BadRecord, None) in its place. The
    queue holds a few batches, so memory stays flat. A fault in the file raises PubMedXMLError
    here after the batches before it; the worker dying, or sending nothing for
    `batch_seconds`, raises ParserStopped. The batch cut short is not yielded.
    """
    context = multiprocessing.get_context("spawn")  # a clean interpreter: no Django, no connections
    queue = context.Queue(maxsize=4)
    worker = context.Process(target=_parse_into, args=(str(path), size, annotate, queue, os.getpid()), daemon=True)
    worker.start()
    try:
        while (message := _next(queue, worker, batch_seconds))[0] == "batch":
            yield message[1]
        if message[0] == "stopped":
            raise ParserStopped(message[1])
        if message[0] == "error":
            raise PubMedXMLError(message[1])
    finally:
        worker.kill()
        worker.join()


def _next(queue, worker, batch_seconds: float) -> tuple:
    """The worker's next message, waiting at most `batch_seconds`; a worker that died without a
    last word would be waited for for ever, so it is looked after while the queue is empty."""
    give_up = time.monotonic() + batch_seconds
    while True:
        try:
            return queue.get(timeout=min(1.0, batch_seconds))
        except queues.Empty:
            if not worker.is_alive():  # what it managed to send before dying is in the pipe
                try:
                    return queue.get(timeout=1)
                except queues.Empty:
                    return ("stopped", f"The parsing process stopped (exit code {worker.exitcode}).")
            if time.monotonic() > give_up:
                return ("stopped", f"The parsing process sent nothing for {batch_seconds:g} s and was stopped.")


def _parse_into(path: str, size: int, annotate: Callable | None, queue, parent: int) -> None:
    """The worker process: batches into the queue, then ("done", None) or ("error", message)."""
    threading.Thread(target=_end_with_parent, args=(parent,), daemon=True).start()
    try:
        with open_xml(path) as handle:
            records = iter_records(handle)
            while batch := list(islice(records, size)):
                queue.put(("batch", [_annotated(record, annotate) for record in batch]))
    except (OSError, PubMedXMLError) as error:
        queue.put(("error", str(error)))
    except Exception as error:  # noqa: BLE001 — the importer must hear of any fault, not wait
        queue.put(("error", f"The parser failed ({type(error).__name__}: {error})."))
    else:
        queue.put(("done", None))


def _annotated(record, annotate: Callable | None) -> tuple:
    if isinstance(record, BadRecord) or annotate is None:
        return record, None
    try:
        return record, annotate(record)
    except Exception as error:  # noqa: BLE001 — one record `annotate` cannot take fails alone
        return BadRecord(
            f"PMID {record.pmid}",
            f"preparing it for the collection failed ({type(error).__name__}: {error})",
            record.pmid,
        ), None


def _end_with_parent(parent: int) -> None:
    """Exit once the importer is gone: an orphan is re-parented, so its parent id changes."""
    while os.getppid() == parent:
        time.sleep(_PARENT_CHECK_SECONDS)
    os._exit(1)
