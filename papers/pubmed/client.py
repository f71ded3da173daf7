"""The NCBI E-utilities client: every call to PubMed goes through Bio.Entrez from here.

Bio.Entrez gives us request building (GET, or POST for ≥200 ids), NCBI's identity parameters
and its rate limit (0.37 s between calls, 0.1 s with an API key). What it lacks, this adds:
a time-out, a base URL other than NCBI's (tests point it at a local server), back-off between
retries (Entrez retries 429/5xx at once and never retries a time-out), a total deadline per
request across its tries (`deadline`: a PubMed that never answers is given up on in about a
minute, not after every try's full time-out), each retry told as it happens (`retrying`), one
lock so threads do not break its rate limiter, and one exception type with a message a curator
can act on. `PubMedClient` takes an `EutilsConfig`; only `pubmed_client()` reads Django's settings.
"""

from __future__ import annotations

import http.client
import logging
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from Bio import Entrez
from django.conf import settings

from papers.pubmed.medline import BadRecord, EutilsErrorPayload, PubMedRecord, parse_records

log = logging.getLogger(__name__)

NCBI_BASE_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
BATCH_SIZE = 200  # NCBI's advice: at most ~200 ids per request; keeps each failure small
ESEARCH_LIMIT = 10_000  # ESearch hands out at most the first 10,000 ids of a PubMed query
_ENTREZ_LOCK = threading.Lock()
MISSING_EMAIL = (
    "Set NCBI_EMAIL to the operator's e-mail address (in .env, for a checkout set up by ./start): "
    "NCBI requires a contact address with every request, so nothing can be fetched without one."
)


class EutilsError(Exception):
    """PubMed could not be reached or gave an answer we cannot use; the message says which.
    `transient`: trying again later may succeed (network, time-out, PubMed busy)."""

    def __init__(self, message: str, transient: bool = False):
        super().__init__(message)
        self.transient = transient


_REQUEST_NAMED = re.compile(r" \((?:efetch|esearch)\b[^()]*(?:\([^()]*\)[^()]*)*\)(?=\.?$)")


def cause_of(reason: str) -> str:
    """A failure's reason without the request it befell (`… (efetch of 200 PMIDs (1…)).`), so
    the batches one fault failed read as one cause."""
    return _REQUEST_NAMED.sub("", reason)


@dataclass(frozen=True)
class EutilsConfig:
    email: str = ""
    api_key: str = ""
    tool: str = "myeloma-lit"
    base_url: str = NCBI_BASE_URL
    timeout: float = 30.0  # per try: connecting, and each wait for the answer's next bytes
    max_tries: int = 4
    backoff: float = 2.0  # seconds before the 2nd try; doubles each time, Retry-After wins
    deadline: float = 60.0  # one request, all its tries and waits included


@dataclass(frozen=True)
class SearchResult:
    """An ESearch answer kept on NCBI's history server, to be paged through with efetch."""

    query: str
    count: int
    webenv: str
    query_key: str
    translation: str = ""


class EutilsHandler(urllib.request.BaseHandler):
    """Gives E-utilities requests a time-out and, when configured, another base URL."""

    handler_order = 100  # before urllib's own https pre-processing, so the scheme can change

    def __init__(self, base_url: str, timeout: float):
        self.base_url, self.timeout = base_url, timeout

    def https_request(self, request):
        if request.full_url.startswith(NCBI_BASE_URL):
            request.full_url = self.base_url + request.full_url[len(NCBI_BASE_URL) :]
            request.timeout = self.timeout
        return request


class PubMedClient:
    """Fetches PubMed records and runs PubMed searches, with retries and clear errors."""

    def __init__(
        self,
        config: EutilsConfig,
        sleep: Callable[[float], None] = time.sleep,
        retrying: Callable[[str], None] | None = None,
    ):
        """`retrying` hears one line per retry as it happens (which request, attempt n of m,
        why, the wait), besides the log."""
        if not config.email:
            raise EutilsError(MISSING_EMAIL)
        self.config = config
        self.sleep = sleep
        self.retrying = retrying or (lambda line: None)
        # Entrez reads these module globals on every call; retries are ours, so it tries once.
        Entrez.max_tries = 1
        Entrez.tool = config.tool
        Entrez.email = config.email
        Entrez.api_key = config.api_key or None
        # ProxyHandler({}): a *_proxy variable must not capture NCBI or loopback traffic.
        self._handler = EutilsHandler(config.base_url, config.timeout)
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), self._handler)

    def fetch(self, pmids: Sequence[int]) -> list[PubMedRecord | BadRecord]:
        """The records PubMed returns for at most BATCH_SIZE PMIDs (unknown ones are absent, one
        that cannot be read is a BadRecord in its place)."""
        if len(pmids) > BATCH_SIZE:
            raise ValueError(f"fetch takes at most {BATCH_SIZE} PMIDs at a time")
        ids = ",".join(str(p) for p in pmids)
        what = f"efetch of PMID {ids}" if len(pmids) == 1 else f"efetch of {len(pmids)} PMIDs ({pmids[0]}…)"
        return self._records(lambda: Entrez.efetch(db="pubmed", id=ids, retmode="xml"), what)

    def fetch_page(self, search: SearchResult, start: int, size: int = BATCH_SIZE) -> list[PubMedRecord | BadRecord]:
        """One page of a search's records, read from NCBI's history server."""
        return self._records(
            lambda: Entrez.efetch(
                db="pubmed",
                retmode="xml",
                webenv=search.webenv,
                query_key=search.query_key,
                retstart=start,
                retmax=size,
            ),
            f"efetch of records {start + 1}-{start + size} of the search",
        )

    def search(self, query: str) -> SearchResult:
        """Run a PubMed query and keep its result set on the history server."""

        def esearch():
            with Entrez.esearch(db="pubmed", term=query, usehistory="y", retmax=0) as handle:
                return Entrez.read(handle)

        answer = self._call(esearch, "esearch")
        return SearchResult(
            query=query,
            count=int(answer["Count"]),
            webenv=answer.get("WebEnv", ""),
            query_key=str(answer.get("QueryKey", "")),
            translation=str(answer.get("QueryTranslation", "")),
        )

    def _records(self, request: Callable, what: str) -> list[PubMedRecord | BadRecord]:
        def fetch_and_parse():
            with request() as handle:
                return parse_records(handle.read())

        return self._call(fetch_and_parse, what)

    def _call(self, attempt: Callable, what: str):
        """Run one E-utilities exchange (`what`, for messages), retrying transient faults with
        exponential back-off until max_tries or the deadline, whichever comes first."""
        tries, give_up = self.config.max_tries, time.monotonic() + self.config.deadline
        for number in range(1, tries + 1):
            delay = self.config.backoff * 2 ** (number - 1)
            try:
                with _ENTREZ_LOCK:
                    # This client's opener and a time-out no later than the deadline (installed
                    # per call: another client may have installed its own meanwhile).
                    self._handler.timeout = max(0.1, min(self.config.timeout, give_up - time.monotonic()))
                    urllib.request.install_opener(self._opener)
                    return attempt()
            except urllib.error.HTTPError as error:
                if error.code != 429 and error.code < 500:
                    raise EutilsError(f"PubMed refused the request (HTTP {error.code} {error.reason}).") from None
                fault = f"PubMed answered HTTP {error.code} {error.reason}"
                retry_after = error.headers.get("Retry-After", "") if error.headers else ""
                if retry_after.isdigit():
                    delay = max(delay, float(retry_after))
            except EutilsErrorPayload as error:
                raise EutilsError(str(error)) from None
            except RuntimeError as error:  # Entrez.read's in-band <ERROR>
                raise EutilsError(f"E-utilities answered with an error: {error}") from None
            except ValueError as error:  # malformed or cut-short XML: usually a passing fault
                fault = f"PubMed's answer could not be read ({error})"
            except (OSError, http.client.HTTPException) as error:  # refused, reset, time-out, cut short
                fault = f"PubMed could not be reached ({type(error).__name__}: {error})"
            if number == tries or give_up - time.monotonic() < delay + 0.1:
                break
            line = f"{what}: attempt {number} of {tries} failed ({fault}); trying again in {delay:g} s"
            log.warning("%s", line)
            self.retrying(line)
            self.sleep(delay)
        if number < tries:
            fault += f" — gave up after {number} tries, at the {self.config.deadline:g} s deadline for one request"
            raise EutilsError(f"{fault} ({what}).", transient=True)
        raise EutilsError(f"{fault} — gave up after {tries} tries ({what}).", transient=True)


def pubmed_client(retrying: Callable[[str], None] | None = None, deadline: float | None = None) -> PubMedClient:
    """The E-utilities client configured from settings (raises EutilsError without NCBI_EMAIL);
    `deadline` shortens EUTILS_DEADLINE (a web request's own time-out), `retrying` as PubMedClient's."""
    return PubMedClient(
        EutilsConfig(
            email=settings.NCBI_EMAIL,
            api_key=settings.NCBI_API_KEY,
            tool=settings.NCBI_TOOL,
            base_url=settings.EUTILS_BASE_URL,
            timeout=settings.EUTILS_TIMEOUT,
            max_tries=settings.EUTILS_MAX_TRIES,
            backoff=settings.EUTILS_BACKOFF,
            deadline=min(settings.EUTILS_DEADLINE, deadline or settings.EUTILS_DEADLINE),
        ),
        retrying=retrying,
    )
