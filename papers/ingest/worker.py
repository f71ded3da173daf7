"""The parsing worker: reads a PubMed XML file in a process of its own, a batch at a time.

Parsing (and the tagger, passed in as `annotate`) is most of an import's CPU time; in a second
process, on a second core, it overlaps with the importer's database work.
"""

from __future__ import annotations

import multiprocessing
import queue as queues
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path

from .medline import PubMedXMLError, iter_records, open_xml


def read_batches(path: str | Path, size: int, annotate: Callable | None = None) -> Iterator[list[tuple]]:
    """Batches of (record, annotate(record)) from an XML file (.gz too), parsed in a second process.

    The queue holds a few batches, so memory stays flat. A fault in the file, or the worker
    dying (killed for memory, say), raises PubMedXMLError here after the batches before it; the
    batch it cut short is not yielded.
    """
    context = multiprocessing.get_context("spawn")  # a clean interpreter: no Django, no connections
    queue = context.Queue(maxsize=4)
    worker = context.Process(target=_parse_into, args=(str(path), size, annotate, queue), daemon=True)
    worker.start()
    try:
        while (message := _next(queue, worker))[0] == "batch":
            yield message[1]
        if message[0] == "error":
            raise PubMedXMLError(message[1])
    finally:
        worker.kill()
        worker.join()


def _next(queue, worker) -> tuple:
    """The worker's next message; a worker that died without a last word would be waited for
    for ever, so it is looked after while the queue is empty."""
    while True:
        try:
            return queue.get(timeout=1)
        except queues.Empty:
            if not worker.is_alive():  # what it managed to send before dying is in the pipe
                try:
                    return queue.get(timeout=1)
                except queues.Empty:
                    return ("error", f"The parsing process stopped (exit code {worker.exitcode}).")


def _parse_into(path: str, size: int, annotate: Callable | None, queue) -> None:
    """The worker process: batches into the queue, then ("done", None) or ("error", message)."""
    try:
        with open_xml(path) as handle:
            records = iter_records(handle)
            while batch := list(islice(records, size)):
                queue.put(("batch", [(r, annotate(r) if annotate else None) for r in batch]))
    except (OSError, PubMedXMLError) as error:
        queue.put(("error", str(error)))
    else:
        queue.put(("done", None))
