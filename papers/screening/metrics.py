"""The screening field's figures of one screening order, and their expectation under random order.

An order is the labels (True = included) of the records in the order a reviewer screened them,
every record once. Definitions as in Cohen et al. (2006) and ASReview: WSS@r = (TN + FN) / N − (1 − r)
at the first point where ⌈r·I⌉ of the I inclusions have been found, that is (N − n) / N − (1 − r)
with n the records screened by then; recall after screening a share s = inclusions among the
first ⌈s·N⌉ records / I; records to find all = the rank of the last inclusion."""

import math
from collections.abc import Sequence
from dataclasses import dataclass

WSS_RECALL = 0.95
RECALL_SHARES = (0.10, 0.25)


@dataclass(frozen=True)
class Figures:
    records: int
    included: int
    wss_95: float
    recall_10: float
    recall_25: float
    records_to_all: float  # a whole number for an order; an expectation for random order


def _ceil(value: float) -> int:
    """⌈value⌉ without float noise: 0.1 · 30 is 3.0000000000000004 in binary, and must give 3."""
    return math.ceil(round(value, 9))


def _checked(records: int, included: int) -> None:
    if included < 1 or included > records:
        raise ValueError(f"an order needs at least one inclusion among its records ({included} of {records})")


def screened_to_find(order: Sequence[bool], found: int) -> int:
    """The number of records screened when the `found`-th inclusion turns up (1-based rank)."""
    seen = 0
    for rank, included in enumerate(order, start=1):
        seen += included
        if seen == found:
            return rank
    raise ValueError(f"the order holds {seen} inclusions, fewer than {found}")


def wss(order: Sequence[bool], recall: float = WSS_RECALL) -> float:
    """Work saved over sampling at `recall`: (N − n) / N − (1 − recall)."""
    n, included = len(order), sum(order)
    _checked(n, included)
    return (n - screened_to_find(order, _ceil(recall * included))) / n - (1 - recall)


def recall_after(order: Sequence[bool], share: float) -> float:
    """The share of inclusions found among the first ⌈share·N⌉ records."""
    included = sum(order)
    _checked(len(order), included)
    return sum(order[: _ceil(share * len(order))]) / included


def records_to_all(order: Sequence[bool]) -> int:
    """The rank of the last inclusion."""
    included = sum(order)
    _checked(len(order), included)
    return screened_to_find(order, included)


def figures(order: Sequence[bool]) -> Figures:
    return Figures(
        records=len(order),
        included=sum(order),
        wss_95=wss(order),
        recall_10=recall_after(order, RECALL_SHARES[0]),
        recall_25=recall_after(order, RECALL_SHARES[1]),
        records_to_all=records_to_all(order),
    )


def random_order_figures(records: int, included: int) -> Figures:
    """The exact expectation of each figure over all orders of `records` records, `included` of them
    inclusions: the k-th inclusion's rank is k·(N + 1) / (I + 1) on average, and WSS is linear in it."""
    _checked(records, included)

    def expected_rank(k: int) -> float:
        return k * (records + 1) / (included + 1)

    return Figures(
        records=records,
        included=included,
        wss_95=(records - expected_rank(_ceil(WSS_RECALL * included))) / records - (1 - WSS_RECALL),
        recall_10=_ceil(RECALL_SHARES[0] * records) / records,
        recall_25=_ceil(RECALL_SHARES[1] * records) / records,
        records_to_all=expected_rank(included),
    )
