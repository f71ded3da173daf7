"""A local stand-in for NCBI E-utilities that serves recorded PubMed answers, with fault injection.

Bio.Entrez is pointed here by a urllib opener that rewrites
``https://eutils.ncbi.nlm.nih.gov/entrez/eutils/`` to :attr:`EutilsServer.base_url` (see
``shared/ENTREZ.md`` section 1). Standard library only.

What is real and what is generated:

* efetch (db=pubmed, XML) answers are made of recorded bytes only. Every ``<PubmedArticle>`` /
  ``<PubmedBookArticle>`` element of the recorded files is kept byte for byte, indexed by its
  PMID, and an answer is the XML declaration + DOCTYPE of the newest recorded modern file,
  ``<PubmedArticleSet>\\n``, the requested records in request order, ``</PubmedArticleSet>`` --
  the layout of NCBI's own ``pubmed_250101`` answers, including the empty set for unknown ids.
  A request naming exactly the ids of one recorded file (same order) gets that file verbatim.
  A record that was recorded under an ``http://`` DOCTYPE (the 2011 retracted sample) is never
  re-wrapped in a modern header: any answer containing it carries its own recorded header, so
  Bio.Entrez rejects that answer just as it rejects the recorded file.
* esearch answers registered with :meth:`EutilsServer.register_esearch` are recorded files,
  served verbatim. For any other term the answer is GENERATED (no recording can exist for
  arbitrary terms): the server acts as a tiny PubMed over its corpus and writes an eSearchResult
  laid out like the recorded ``esearch_pubmed_*`` samples, with their exact DOCTYPE line.
* einfo / elink / anything else: only what a test registers with
  :meth:`EutilsServer.register_response` (a recorded file); otherwise HTTP 404.
"""

from __future__ import annotations

import html
import re
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qsl, urlsplit

PREFIX = "/entrez/eutils/"
CONTENT_TYPE = "text/xml; charset=UTF-8"
# Exactly as in the recorded esearch samples (biopython Tests/Entrez/esearch1.xml, esearch8.xml).
ESEARCH_HEADER = (
    b'<?xml version="1.0" encoding="UTF-8" ?>\n'
    b'<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
    b'"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">\n'
)

_RECORD = re.compile(rb"<(PubmedArticle|PubmedBookArticle)(?:\s[^>]*)?>.*?</\1>", re.S)
_PMID = re.compile(rb"<PMID(?:\s[^>]*)?>\s*(\d+)\s*</PMID>")
_DOCTYPE_DTD = re.compile(rb'<!DOCTYPE\s+PubmedArticleSet\s[^>]*"(https?://[^"]+/pubmed_(\d{6})\.dtd)"')


def _words(term: str) -> list[str]:
    """Search words of an esearch term: ``[field]`` tags, quotes, brackets and AND dropped."""
    words = re.sub(r"\[[^\]]*\]|[\"()]", " ", term).split()
    return [w for w in words if w != "AND"]


def _read(source: str | Path | bytes) -> bytes:
    return source if isinstance(source, bytes) else Path(source).read_bytes()


class RecordedCorpus:
    """Recorded PubmedArticleSet files, indexed record by record (exact bytes) by PMID.

    Later files win when a PMID occurs twice. ``header_from`` picks the file whose XML
    declaration + DOCTYPE wrap composed answers; by default the file with the newest
    ``https`` ``pubmed_YYMMDD.dtd``.
    """

    def __init__(self, paths: Iterable[str | Path], header_from: str | Path | None = None):
        self.records: dict[str, bytes] = {}  # pmid -> exact element bytes
        self.legacy: dict[str, bytes] = {}  # pmid -> recorded header, for http:// DOCTYPE files
        self.files: list[tuple[list[str], bytes]] = []  # (pmids in file order, file bytes)
        modern: list[tuple[bytes, Path, bytes]] = []  # (YYMMDD, path, header)
        for path in map(Path, paths):
            data = path.read_bytes()
            start = data.find(b"<PubmedArticleSet")
            if start < 0:
                continue
            header, pmids = data[:start], []
            dtd = _DOCTYPE_DTD.search(header)
            is_modern = bool(dtd) and dtd.group(1).startswith(b"https://")
            for m in _RECORD.finditer(data, start):
                found = _PMID.search(m.group(0))
                if found:
                    pmid = found.group(1).decode()
                    self.records[pmid] = m.group(0)
                    if is_modern:
                        self.legacy.pop(pmid, None)
                    else:
                        self.legacy[pmid] = header
                    pmids.append(pmid)
            self.files.append((pmids, data))
            if is_modern:
                modern.append((dtd.group(2), path, header))  # YYMMDD sorts in date order (20xx)
        if header_from is not None:
            modern = [m for m in modern if m[1].resolve() == Path(header_from).resolve()]
        if not modern:
            raise ValueError("no recorded PubmedArticleSet file with an https DOCTYPE to take a header from")
        self.header = max(modern, key=lambda m: m[0])[2]

    def __contains__(self, pmid: object) -> bool:
        return str(pmid) in self.records

    def search(self, term: str) -> tuple[list[str], list[str]]:
        """(matching PMIDs newest first, words found in no record).

        Deliberately simple: ``[field]`` tags, quotes and the operator AND are dropped; a record
        matches when its raw bytes contain every remaining word case-insensitively (markup
        included). OR / NOT are not supported. "Newest first" is approximated by PMID descending.
        """
        words = [w.lower() for w in _words(term)]
        texts = {p: b.decode("utf-8", "replace").lower() for p, b in self.records.items()}
        hits = [p for p, t in texts.items() if words and all(w in t for w in words)]
        missing = [w for w in words if not any(w in t for t in texts.values())]
        return sorted(hits, key=int, reverse=True), missing

    def efetch(self, ids: list[str]) -> bytes:
        """The PubmedArticleSet NCBI would send for ``ids``: known records in request order."""
        for pmids, data in self.files:
            if pmids and pmids == ids:
                return data
        known = [i for i in ids if i in self.records]
        # A record recorded under an old http:// DOCTYPE is never presented under a modern DTD.
        header = next((self.legacy[i] for i in known if i in self.legacy), self.header)
        body = b"".join(self.records[i] for i in known)
        return header + b"<PubmedArticleSet>\n" + body + b"</PubmedArticleSet>"


class LoggedRequest(NamedTuple):
    time: float  # time.monotonic() when the request line was read
    method: str  # "GET" / "POST"
    util: str  # "efetch", "esearch", ...
    params: dict[str, str]  # query string + form body; repeated keys joined with ","


@dataclass
class Fault:
    util: str | None  # None: any util
    times: int
    status: int = 200
    delay: float = 0.0
    truncate: bool = False
    content_length: bool = True
    body: bytes | None = None
    content_type: str = CONTENT_TYPE
    when_id: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


class EutilsServer:
    """ThreadingHTTPServer on 127.0.0.1:<free port> in a daemon thread."""

    def __init__(self, corpus: RecordedCorpus):
        self.corpus = corpus
        self._lock = threading.Lock()
        self._log: list[LoggedRequest] = []
        self._faults: list[Fault] = []
        self._esearch: dict[str, bytes] = {}
        self._canned: dict[str, bytes] = {}
        self._history: dict[tuple[str, str], list[str]] = {}  # (WebEnv, query_key) -> ids
        self._next_key: dict[str, int] = {}
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> EutilsServer:
        handler = type("Handler", (_Handler,), {"server_obj": self})
        self._httpd = _HTTPServer(("127.0.0.1", 0), handler)
        self._stopping.clear()
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="eutils", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd:
            self._stopping.set()  # wakes handlers sleeping on a delay fault
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(5)
            self._httpd = self._thread = None

    def __enter__(self) -> EutilsServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PREFIX}"

    # -- configuration -----------------------------------------------------------------------
    def register_esearch(self, term: str, source: str | Path | bytes) -> None:
        """Serve a recorded eSearchResult verbatim for this exact ``term``. Its WebEnv/QueryKey
        (if any) become a stored search holding its IdList, so efetch paging works against it."""
        data = _read(source)
        self._esearch[term] = data
        env = re.search(rb"<WebEnv>([^<]+)</WebEnv>", data)
        key = re.search(rb"<QueryKey>(\d+)</QueryKey>", data)
        if env and key:
            ids = [i.decode() for i in re.findall(rb"<Id>(\d+)</Id>", data)]
            self._history[(env.group(1).decode(), key.group(1).decode())] = ids

    def register_response(self, util: str, source: str | Path | bytes) -> None:
        """Serve a recorded file verbatim for every request to ``util`` (e.g. "einfo", "elink")."""
        self._canned[util] = _read(source)

    def fail_next(
        self,
        util: str | None = "efetch",
        *,
        times: int = 1,
        status: int | None = None,
        delay: float = 0.0,
        truncate: bool = False,
        content_length: bool = True,
        body: bytes | Path | str | None = None,
        retry_after: int | str | None = None,
        content_type: str = CONTENT_TYPE,
        when_id: str | int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Queue a fault for the next ``times`` requests to ``util`` (None: any util).

        ``status``: answer with that HTTP status (body ``body`` or empty). ``delay``: sleep that
        many seconds before sending anything, then answer normally (or with the other options).
        ``truncate``: send headers (with the full Content-Length unless ``content_length=False``)
        and only the first half of the body, then close. ``body``: serve this instead of the
        normal answer (status 200 unless ``status``): ``bytes`` as given, a ``Path`` as the
        file's bytes (a recorded file, verbatim), a ``str`` as its UTF-8 text (an HTML page).
        ``retry_after``: add a Retry-After header (Bio.Entrez ignores it; our code may not).
        ``content_type``: override text/xml (e.g. "text/plain"). ``headers``: extra headers.
        ``when_id``: only requests whose ids (``id=`` or a history page) include this PMID match.
        Faults are consumed in queue order, one per matching request.
        """
        extra = dict(headers or {})
        if retry_after is not None:
            extra["Retry-After"] = str(retry_after)
        fault = Fault(
            util=util,
            times=times,
            status=status or 200,
            delay=delay,
            truncate=truncate,
            content_length=content_length,
            content_type=content_type,
            headers=extra,
            body=None if body is None else body.encode() if isinstance(body, str) else _read(body),
            when_id=None if when_id is None else str(when_id),
        )
        with self._lock:
            self._faults.append(fault)

    def reset(self) -> None:
        """Forget the request log, pending faults, stored searches and registrations."""
        with self._lock:
            self._log.clear()
            self._faults.clear()
            self._history.clear()
            self._next_key.clear()
            self._esearch.clear()
            self._canned.clear()

    # -- inspection --------------------------------------------------------------------------
    @property
    def requests(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._log)

    def requests_for(self, util: str) -> list[LoggedRequest]:
        return [r for r in self.requests if r.util == util]

    @property
    def pending_faults(self) -> int:
        with self._lock:
            return sum(f.times for f in self._faults)

    # -- answering (called from handler threads) ---------------------------------------------
    def _take_fault(self, util: str, ids: list[str]) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.util not in (None, util) or fault.when_id and fault.when_id not in ids:
                    continue
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _efetch_ids(self, p: dict[str, str]) -> tuple[list[str] | None, str | None]:
        """(ids, error). Ids from ``id=`` or from a stored search page."""
        if p.get("id"):
            return [i.strip() for i in p["id"].split(",") if i.strip()], None
        env, key = p.get("webenv"), p.get("query_key")
        if env and key:
            with self._lock:
                stored = self._history.get((env, key))
            if stored is None:
                return None, f"unknown WebEnv/query_key {env}/{key} (test server)"
            start = int(p.get("retstart") or 0)
            count = int(p.get("retmax") or 20)
            return stored[start : start + count], None
        return None, "efetch needs id= or WebEnv + query_key (test server)"

    def _esearch_answer(self, p: dict[str, str]) -> bytes:
        term = p.get("term", "")
        if term in self._esearch:
            return self._esearch[term]
        # GENERATED: no recording exists for arbitrary terms. Layout copied from the recorded
        # esearch_pubmed_usehistory_webenv.xml (hits) and esearch_pubmed_phrase_not_found.xml.
        hits, missing = self.corpus.search(term)
        start, retmax = int(p.get("retstart") or 0), min(int(p.get("retmax") or 20), 10000)
        page = hits[start : start + retmax] if retmax > 0 else []
        out = [
            b"<eSearchResult><Count>%d</Count><RetMax>%d</RetMax><RetStart>%d</RetStart>"
            % (len(hits), len(page), start)
        ]
        if p.get("usehistory", "").lower() == "y":
            with self._lock:
                env = p.get("webenv") or "MCID_" + secrets.token_hex(12)
                key = self._next_key.get(env, 0) + 1
                self._next_key[env] = key
                self._history[(env, str(key))] = hits
            out.append(b"<QueryKey>%d</QueryKey><WebEnv>%s</WebEnv>" % (key, env.encode()))
        if page:
            out.append(b"<IdList>\n" + b"".join(b"<Id>%s</Id>\n" % i.encode() for i in page) + b"</IdList>")
        else:
            out.append(b"<IdList/>")
        if hits:  # as in biopython Tests/Entrez/esearch1.xml: "biopython"[All Fields]
            translation = " AND ".join(f'"{w.lower()}"[All Fields]' for w in _words(term))
        else:  # as in esearch_pubmed_phrase_not_found.xml: (abcXYZ[All Fields])
            translation = "(" + " AND ".join(f"{w}[All Fields]" for w in _words(term)) + ")"
        out.append(
            b"<TranslationSet/><QueryTranslation>%s</QueryTranslation>" % html.escape(translation, quote=False).encode()
        )
        if missing:
            out.append(
                b"<ErrorList>"
                + b"".join(
                    b"<PhraseNotFound>%s</PhraseNotFound>" % html.escape(w, quote=False).encode() for w in missing
                )
                + b"</ErrorList>"
            )
        if not hits:
            out.append(b"<WarningList><OutputMessage>No items found.</OutputMessage></WarningList>")
        return ESEARCH_HEADER + b"".join(out) + b"</eSearchResult>\n"


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):  # clients hang up on faults
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server_obj: EutilsServer
    protocol_version = "HTTP/1.0"  # one request per connection, like urllib's Connection: close

    def log_message(self, *args) -> None:  # keep pytest output clean
        pass

    def do_GET(self) -> None:
        self._handle(b"")

    def do_POST(self) -> None:
        self._handle(self.rfile.read(int(self.headers.get("Content-Length") or 0)))

    def _handle(self, form: bytes) -> None:
        srv, now = self.server_obj, time.monotonic()
        url = urlsplit(self.path)
        util = url.path[len(PREFIX) :].rsplit(".", 1)[0] if url.path.startswith(PREFIX) else url.path
        pairs = parse_qsl(url.query, keep_blank_values=True)
        pairs += parse_qsl(form.decode("utf-8", "replace"), keep_blank_values=True)
        params: dict[str, str] = {}
        for k, v in pairs:
            params[k] = f"{params[k]},{v}" if k in params else v
        with srv._lock:
            srv._log.append(LoggedRequest(now, self.command, util, params))
        lower = {k.lower(): v for k, v in params.items()}

        status, body = 200, b""
        ids: list[str] = []
        if util == "efetch":
            ids, error = srv._efetch_ids(lower)
            if error:
                status, body, ids = 400, error.encode(), []
            else:
                body = srv.corpus.efetch(ids)
        elif util == "esearch":
            body = srv._esearch_answer(lower)
        elif util in srv._canned:
            body = srv._canned[util]
        else:
            status, body = 404, f"no recorded answer for {util} (test server)".encode()

        fault = srv._take_fault(util, ids)
        headers = {"Content-Type": CONTENT_TYPE}
        if fault:
            if fault.delay and srv._stopping.wait(fault.delay):
                return
            status, headers["Content-Type"] = fault.status, fault.content_type
            headers.update(fault.headers)
            if fault.body is not None:
                body = fault.body
            elif status != 200:
                body = b""
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if not fault or not fault.truncate or fault.content_length:
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body[: len(body) // 2] if fault and fault.truncate else body)
        self.wfile.flush()
        self.close_connection = True
