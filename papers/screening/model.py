"""The screening model: TF-IDF over a record's title, abstract, keywords and MeSH headings, and a
linear SVM trained on the decisions so far; a cold start ranks by likeness to the known
inclusions while either class is too small to train on. Plain data in and out; never decides.

Choices measured in docs/screening.md."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.special import expit
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize
from sklearn.svm import LinearSVC

# A class smaller than this is too small for the classifier: the cold start ranks instead.
MIN_PER_CLASS = 1
# The cold start's boundary: the share of the known records less like the others than it.
COLD_START_SHARE = 0.1
# The linear SVM's inverse regularisation (docs/screening.md: C = 1 against 0.11 and logistic regression).
C = 1.0


@dataclass(frozen=True)
class Record:
    """What the model reads of a paper; an empty string or tuple is a missing field."""

    title: str
    abstract: str = ""
    keywords: tuple[str, ...] = ()
    mesh: tuple[str, ...] = ()


def document(record: Record) -> str:
    """The text the vectorizer reads: every field, keywords and headings as phrases."""
    return "\n".join([record.title, record.abstract, "; ".join(record.keywords), "; ".join(record.mesh)])


def vectorize(records: Sequence[Record]) -> tuple[TfidfVectorizer, csr_matrix]:
    """A vectorizer fitted on the words of `records` (no labels), and their matrix. Words and word
    pairs, in at least two records once there are ten; a collection without a single indexable
    word gets an empty vocabulary (every record then scores alike)."""
    texts = [document(r) for r in records]
    fitted = TfidfVectorizer(
        sublinear_tf=True,
        ngram_range=(1, 2),
        min_df=2 if len(texts) >= 10 else 1,
        stop_words="english",
        dtype=np.float32,
    )
    try:
        return fitted, fitted.fit_transform(texts)
    except ValueError:  # "empty vocabulary": no records, or nothing but stop words and one-letter words
        fitted = TfidfVectorizer(vocabulary=["\0"], dtype=np.float32).fit([""])  # a token no text yields
        return fitted, fitted.transform(texts) if texts else csr_matrix((0, 1), dtype=np.float32)


Scorer = Callable[[csr_matrix], np.ndarray]


def fit(decided: csr_matrix, labels: Sequence[bool]) -> Scorer:
    """A function giving a score in [0, 1] per row of a matrix, higher = likelier an inclusion: the
    linear SVM's margin squashed by the logistic function when each class has MIN_PER_CLASS decided
    rows (a ranking score, not a calibrated probability); else the cosine
    likeness to the mean inclusion (or unlikeness to the mean exclusion when only exclusions are
    known), mapped so that 0.5 falls at the COLD_START_SHARE quantile of the known
    records' likeness to the others; else 0.5
    for every row. Scores rank the rows of one model; they are not comparable
    across models."""
    y = np.asarray(labels, dtype=bool)
    included, excluded = int(y.sum()), int((~y).sum())
    if included >= MIN_PER_CLASS and excluded >= MIN_PER_CLASS:
        # A fixed random_state: its solver shuffles rows, and replays must repeat exactly under a seed.
        classifier = LinearSVC(C=C, class_weight="balanced", random_state=0).fit(decided, y)
        return lambda rows: expit(classifier.decision_function(rows))
    if not (included or excluded):
        return lambda rows: np.full(rows.shape[0], 0.5)
    known = decided[y if included else ~y]
    total = np.asarray(known.sum(axis=0)).ravel()
    centre = normalize(total.reshape(1, -1))
    # The boundary (a score of 0.5) at the COLD_START_SHARE quantile of the known records' own
    # likeness, each to the centre of the others (its own words would flatter it): a record as
    # like the known ones as most of them are to each other scores 0.5 or more, as one past the
    # SVM's margin does. A monotone map: the ranking is the cosine's.
    dots = np.asarray(known @ total).ravel()
    own = np.asarray(known.multiply(known).sum(axis=1)).ravel()
    others = np.sqrt(np.maximum(total @ total - 2 * dots + own, 0.0))
    left_out = np.divide(dots - own, others, out=np.zeros_like(dots), where=others > 0)
    boundary = float(np.clip(np.quantile(left_out, COLD_START_SHARE), 1e-6, 1.0 - 1e-6))

    def likeness(rows: csr_matrix) -> np.ndarray:
        cosine = np.clip(np.asarray(rows @ centre.T).ravel(), 0.0, 1.0)
        scaled = np.interp(cosine, [0.0, boundary, 1.0], [0.0, 0.5, 1.0])
        return scaled if included else 1.0 - scaled

    return likeness


@dataclass
class Model:
    """A model trained on decided records; `score` ranks undecided ones."""

    vectorizer: TfidfVectorizer
    scorer: Scorer

    def score(self, records: Sequence[Record]) -> list[float]:
        """A score in [0, 1] per record, in the order given (see `fit`)."""
        if not records:
            return []
        return self.scorer(self.vectorizer.transform([document(r) for r in records])).tolist()


def train(decided: Sequence[Record], labels: Sequence[bool], *, undecided: Sequence[Record] = ()) -> Model:
    """A model of `labels` (True = included) on `decided`; the vocabulary is learnt from the
    words of the decided and `undecided` records alike (no labels are read from the latter)."""
    if len(decided) != len(labels):
        raise ValueError(f"{len(decided)} records but {len(labels)} labels")
    fitted, matrix = vectorize([*decided, *undecided])
    return Model(fitted, fit(matrix[: len(decided)], labels))
