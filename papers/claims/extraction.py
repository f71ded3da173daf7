"""Mechanism claims read from sentences: what one tagged name does to another.

Plain Python (no Django), like the tagger it builds on: `ClaimExtractor.claims(text)` splits
plain text into sentences, finds the tags each names (`Tagger.mentions`) and, in each sentence
naming two or more, the claims it states, as `Extracted` values with character spans.

Precision comes first (a curator reviews every suggestion, and a wrong one costs more than a
missed one), so a claim is read only from a few grammatical shapes, each tied to the words
around one trigger word (fixtures/claims/LABELLING.md says what counts):

- active: "DKK-1 inhibits Wnt signalling" — the agent is the subject right before the trigger
  (coordinated subjects, "X overexpression", "can", "did not" allowed between), the targets the
  first names after it in the same clause;
- compound: "RANKL-induced osteoclast differentiation", "IL-1β-induced NF-κB activation";
- passive: "osteoclastogenesis induced by RANKL", "angiogenesis was inhibited via X", and the
  treatment of an agentless passive: "VCAM-1 expression was induced when cells were treated with IL-1β";
- reduced relative: "sRANKL released from osteogenic cells binds to RANK" — the participle with its
  source or agent modifies the name before it (no active reading; that name stays the subject),
  and a name heading such a phrase is no conjunct of an earlier "by" ("TNFα produced by CAR-T
  cells and IL1β secreted by …");
- nominalisation: "inhibition of X by Y", "the role of Y in the activation of X";
- agent noun: "the Wnt antagonist Dickkopf-1", "Y, a ligand of X".

A claim is `negated` when a negation governs its trigger ("did not inhibit", "was not induced
by", "failed to", "without"; "not only" is no negation) and `hedged` when a hedge ("may",
"suggest", "whether", "potential" …) comes before the trigger in the sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from papers.tagging.matcher import Mention, Tagger, sentence_starts

# Word stems of each relation's triggers; a trigger is a whole word starting with a stem.
_STEMS = {
    "increases": r"induc|stimulat|up-?regulat|promot|enhanc|activat|increas|elevat|trigger|augment|potentiat"
    r"|le[ad]d?s? to|caus|result(?:s|ed)? in|responsible for|driv|g[ai]ves? rise to",
    "decreases": r"suppress|inhibit|block|down-?regulat|antagoni[sz]|prevent|reduc|decreas|abrogat"
    r"|attenuat|impair|diminish|repress|abolish",
    "binds": r"bind|bound to|ligand (?:of|for)|receptor (?:of|for)|interact(?:s|ed|ing)? with",
    "produces": r"secret|produc|releas|express(?:es|ed)?\b(?!ion)",
}
_TRIGGER = re.compile(
    r"(?<!\w)(?:" + "|".join(f"(?P<{rel}>(?:{stem})[\\w-]*)" for rel, stem in _STEMS.items()) + ")",
    re.I,
)
# A direction word after a causative trigger or before a production noun sets the relation:
# "resulted in lower TNF-α" decreases, "lower secretion of DKK1 by IL-1β" decreases.
_LOWER = r"lower|less|reduced|decreased|diminished|impaired|attenuated|suppressed"
_HIGHER = r"higher|more|greater|increased|elevated|enhanced"
_CAUSATIVE = re.compile(r"(?:le[ad]d?s? to|caus|result)", re.I)
_CAUSED = re.compile(
    r"\s+(?:an?\s+)?(?:\w+ly\s+|significant\s+)?(?:(?P<decreases>(?:"
    + _LOWER
    + r"|decrease|reduction|loss|down-?regulation|suppression|inhibition)\b)|(?P<increases>(?:"
    + _HIGHER
    + r"|increase|elevation|up-?regulation|activation|induction)\b))",
    re.I,
)
_ADJECTIVE = re.compile(r"(?:ible|able)$", re.I)
_PRODUCTION = re.compile(r"(?:secretion|production|release)$", re.I)
_CHANGED = re.compile(r"\b(?:(?P<decreases>" + _LOWER + r")|(?P<increases>" + _HIGHER + r"))\s+(?:\w+ly\s+)?$", re.I)
# Nouns naming an agent by what it does: "the Wnt antagonist DKK1", "X, an inhibitor of Y".
_AGENT_NOUN = re.compile(r"\b(?:antagonists?|inhibitors?|blockers?|suppressors?|activators?|inducers?)\b", re.I)
_NOMINAL = re.compile(r"(?:ion|ment|ance|ade|ase)$", re.I)
_PAST = re.compile(r"(?:ed|en|bound)$", re.I)

# Where a clause ends: nothing is read across it.
_BOUNDARY = re.compile(
    r"[;:]|\.\s|,\s*(?:which|that|whereas|while|but|thereby|thus|and\s+(?:then|thus|thereby)|as well)\b"
    r"|\b(?:whereas|while|but|although|though|which|thereby|via|through|because|since|after|before|when|if"
    r"|compared|than|versus|vs)\b",
    re.I,
)
# What may stand between a subject and its verb.
_SUBJECT_GAP = re.compile(
    r"^(?:\s|\([^()]*\)|,|(?:also|both|directly|further|thus|then|in turn|alone|itself|themselves"
    r"|signal(?:l)?ing|pathways?|axis|expression|over-?expression|protein|levels?|administration|treatment"
    r"|pre-?stimulation|stimulation|cells|can|could|may|might|would|will|did|does|do|not|never|no longer"
    r"|has|have|had|been|be|is|are|was|were|to|shown|found|able|reported|known|failed|significantly"
    r"|markedly|strongly|potently|effectively|dramatically|partially|only|\w+ly)\b)*$",
    re.I,
)
_PREPOSITION_BEFORE = re.compile(r"\b(?:of|with|by|from|in|on|to|against|for|than|via|through|without|after)\s*$", re.I)
_OBJECT_OF_PHRASE = re.compile(r"\b(?:of|with|by|from|in|to|against)\s+(?:[^\s,;]+\s+){1,3}(?:and|or)\s+$", re.I)
_BY = re.compile(r"\s*(?:\w+ly\s+)?(?:by|via)\s+(?!\w+ing\b)", re.I)
# A participle with its agent or source after it modifies the noun before it (a reduced relative
# clause): "sRANKL released from osteogenic cells", "IL1β secreted by activated myeloid cells".
_REDUCED = re.compile(r"\s*(?:\w+ly\s+)?(?:by|from)\b", re.I)
_REDUCED_BEFORE = re.compile(r"\b[\w-]+(?:ed|en)\s+(?:\w+ly\s+)?(?:by|from)\s+(?:[\w-]+\s+){0,2}$", re.I)
_AUXILIARY_BEFORE = re.compile(r"\b(?:is|are|was|were|be|been)\s+(?:\w+ly\s+)?$", re.I)
_TREATED = re.compile(
    r"\s*(?:\w+ly\s+)?(?:when|after|upon|following|once)\s+[^;,]{0,40}?"
    r"\b(?:treated|stimulated|exposed|incubated|challenged)\s+(?:with|to)\s+",
    re.I,
)
_RESPONSE = re.compile(
    r"\s*(?:\w+ly\s+)?(?:in response to|upon|after|following)\s+(?:(?:treatment|stimulation)\s+with\s+)?", re.I
)
_COMPOUND_END = re.compile(r"[,;]|\bcells?\b", re.I)
_PARENTHESIS = re.compile(r"\s*(?:\([^()]*\)\s*)?")
_NEGATION = re.compile(
    r"\b(?:not(?!\s+only)|n't|no longer|never|failed to|fails to|fail to|neither|nor|without|cannot)\b", re.I
)
_HEDGE = re.compile(
    r"\b(?:may|might|could|possibl[ey]|probabl[ey]|likely|suggest\w*|propos\w*|hypothes\w*|potential(?:ly)?"
    r"|appear\w*|seem\w*|whether|putative(?:ly)?|perhaps|presum\w*|speculat\w*|indicat\w*)\b",
    re.I,
)
_COORDINATION = re.compile(r"^(?:\s|,|\([^()]*\)|and|or|as well as|both|either|the|its|their|\w+ly)*$", re.I)
_TARGET_REACH = 60  # characters between a trigger and the first name it governs
_SUBJECT_REACH = 45


@dataclass(frozen=True)
class Extracted:
    """One claim of one sentence; spans are offsets in the text given to ClaimExtractor.claims."""

    agent: str
    relation: str
    target: str
    negated: bool
    hedged: bool
    sentence_start: int
    sentence_end: int
    agent_span: tuple[int, int]
    target_span: tuple[int, int]
    trigger_span: tuple[int, int]

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.agent, self.relation, self.target)


@dataclass(frozen=True)
class _Trigger:
    relation: str
    start: int
    end: int
    word: str


class ClaimExtractor:
    def __init__(self, tagger: Tagger):
        self.tagger = tagger

    def claims(self, text: str) -> list[Extracted]:
        """The claims of plain text, sentence by sentence, one per (agent, relation, target) and
        sentence (the first reading wins)."""
        found: list[Extracted] = []
        starts = [*sentence_starts(text), len(text)]
        for start, end in zip(starts, starts[1:]):
            sentence = text[start:end].rstrip()
            mentions = self.tagger.mentions(sentence)
            if len({m.slug for m in mentions}) >= 2:
                found.extend(_shift(claim, start) for claim in sentence_claims(sentence, mentions))
        return found


def sentence_claims(sentence: str, mentions: list[Mention]) -> list[Extracted]:
    """The claims one sentence states about the tags it names."""
    triggers = _triggers(sentence, mentions)
    found: dict[tuple[str, str, str], Extracted] = {}
    for trigger in triggers:
        for agent, target in _readings(sentence, mentions, triggers, trigger):
            if agent.slug == target.slug:
                continue
            claim = Extracted(
                agent.slug,
                trigger.relation,
                target.slug,
                negated=_negated(sentence, agent, trigger),
                hedged=bool(_HEDGE.search(sentence, 0, trigger.start)),
                sentence_start=0,
                sentence_end=len(sentence),
                agent_span=(agent.start, agent.end),
                target_span=(target.start, target.end),
                trigger_span=(trigger.start, trigger.end),
            )
            found.setdefault(claim.key, claim)
    for claim in _agent_noun_claims(sentence, mentions):
        found.setdefault(claim.key, claim)
    return list(found.values())


def naive_claims(sentence: str, mentions: list[Mention]) -> set[tuple[str, str, str]]:
    """The baseline the issue describes: every pair of names with a trigger word between them,
    related by the trigger nearest the first name, the first name being the agent."""
    triggers = _triggers(sentence, mentions)
    pairs = set()
    for first in mentions:
        for second in mentions:
            if second.start < first.end or first.slug == second.slug:
                continue
            between = [t for t in triggers if first.end <= t.start and t.end <= second.start]
            if between:
                pairs.add((first.slug, between[0].relation, second.slug))
    return pairs


def _triggers(sentence: str, mentions: list[Mention]) -> list[_Trigger]:
    """Trigger words outside the names ("osteoclast differentiation factor" is a name)."""
    spans = [(m.start, m.end) for m in mentions]
    triggers = []
    for match in _TRIGGER.finditer(sentence):
        word = match.group()
        if any(start < match.end() and match.start() < end for start, end in spans):
            continue
        if triggers and match.start() < triggers[-1].end:
            continue  # the direction word of the trigger before
        if _ADJECTIVE.search(word):
            continue  # an adjective: "inducible nitric oxide synthase"
        relation, start, end = match.lastgroup, match.start(), match.end()
        caused = _CAUSED.match(sentence, end) if _CAUSATIVE.match(word) else None
        changed = _CHANGED.search(sentence, max(0, start - 30), start) if _PRODUCTION.search(word) else None
        if caused:  # the word after the trigger is part of it
            relation, end = caused.lastgroup, caused.end()
        elif changed:
            relation, start = changed.lastgroup, changed.start()
        triggers = [t for t in triggers if t.end <= start]  # a direction word is no trigger of its own
        triggers.append(_Trigger(relation, start, end, word))
    return triggers


def _readings(sentence, mentions, triggers, trigger) -> Iterable[tuple[Mention, Mention]]:
    word = trigger.word.lower()
    before = [m for m in mentions if m.end <= trigger.start]
    after = [m for m in mentions if m.start >= trigger.end]
    # Compound: "RANKL-induced osteoclast differentiation": the name glued to the trigger's hyphen.
    if sentence[trigger.start - 1 : trigger.start] in ("-", "\u2010"):
        # "RANKL-induced", "ligand (RANKL)-induced"
        glued = [m for m in before if sentence[m.end : trigger.start] in ("-", "\u2010", ")-", ")\u2010")]
        # Its head comes before a comma or "cells": "In IL-1β-stimulated NP cells, silencing NFKB2 …"
        stop = _COMPOUND_END.search(sentence, trigger.end)
        after = [m for m in after if stop is None or m.end <= stop.start()]
        if glued and _PAST.search(word):
            for target in _governed(sentence, after, trigger.end, triggers, trigger):
                yield from ((agent, target) for agent in glued)
        return
    # Passive: "osteoclastogenesis induced by RANKL", "X was inhibited via Y".
    by = (
        _BY.match(sentence, trigger.end)
        or re.compile(r"[^;,]{0,40}?\b(?:by|via)\s+(?!\w+ing\b)", re.I).match(sentence, trigger.end)
        if _PAST.search(word)
        else None
    )
    if by is None and _PAST.search(word):
        # "IL-6 secretion increased in response to TNF-α", "… was upregulated upon TNF-α stimulation"
        by = _RESPONSE.match(sentence, trigger.end)
    if by is None and _PAST.search(word) and _AUXILIARY_BEFORE.search(sentence, 0, trigger.start):
        # "VCAM-1 expression was induced when GBM cells were treated with IL-1β": the treatment
        # of an agentless passive is its agent (labelled as administering the tag).
        by = _TREATED.match(sentence, trigger.end)
    if by:
        agents = _governed(sentence, after, by.end(), triggers, trigger, reach=25, strict=True)
        # "TNFα produced by CAR-T cells … and IL1β secreted by myeloid cells": IL1β begins a
        # phrase of its own, coordinated with "TNFα produced by …", and is no agent of it.
        own = [i for i, agent in enumerate(agents) if i and _heads_reduced_relative(sentence, agent, triggers)]
        agents = agents[: own[0]] if own else agents
        if agents:
            for target in _preceding(sentence, before, trigger, triggers):
                yield from ((agent, target) for agent in agents)
            return
    # Nominalisation: "inhibition of X by Y"; "the role of Y in (the) activation of X".
    if _NOMINAL.search(word):
        of = re.compile(r"\s+of\s+", re.I).match(sentence, trigger.end)
        if of:
            targets = _governed(sentence, after, of.end(), triggers, trigger, reach=30)
            if targets:
                rest = sentence[targets[-1].end :]
                by_agent = re.match(r"^[^;,]{0,30}?\bby\s+", rest)
                agents = []
                if by_agent:
                    agents = _governed(
                        sentence, after, targets[-1].end + by_agent.end(), triggers, trigger, reach=20, strict=True
                    )
                else:
                    role = re.search(
                        r"\brole\s+of\s+(?:the\s+)?(\S.{0,40}?)\s+in\s+(?:the\s+)?$", sentence[: trigger.start], re.I
                    )
                    if role:
                        agents = [m for m in before if m.start >= role.start(1)]
                for agent in agents:
                    yield from ((agent, target) for target in targets)
        return
    # Agent noun: "the Wnt antagonist Dickkopf-1 (DKK1)", "Y, an antagonist of X".
    # (The binding nouns "ligand of", "receptor for" are triggers with their preposition.)
    if trigger.relation == "binds" and re.match(r"(?:ligand|receptor)", word):
        subject = _subject(sentence, before, trigger, triggers, appositive=True)
        for agent in subject:
            yield from ((agent, target) for target in _governed(sentence, after, trigger.end, triggers, trigger))
        return
    # Means and result: "Zoledronic acid impairs X by reducing CCL3", "…, thereby producing TNFα":
    # the agent is the clause's subject.
    if word.endswith("ing") and re.search(r"\b(?:by|thereby|thus)\s+$", sentence[: trigger.start], re.I):
        clause = _clause_subject(sentence, before)
        if clause:
            yield from ((clause, target) for target in _governed(sentence, after, trigger.end, triggers, trigger))
        return
    # Active: "DKK-1 inhibits Wnt signalling", "TNF-α and IL-1β induce X and Y".
    if word.endswith(("ion", "ment", "ance")) or re.match(r"\w+(?:ers?|ors?|ists?)$", word):
        return
    if _PAST.search(word) and _REDUCED.match(sentence, trigger.end):
        return  # "sRANKL released from osteogenic cells": the participle is passive
    agents = _subject(sentence, before, trigger, triggers)
    if not agents and re.search(r"(?:,\s*|\s)(?:and|but)\s+(?:\w+ly\s+|also\s+)?$", sentence[: trigger.start]):
        # A second verb of the subject: "TNFα did not influence X, but induced MMP1".
        clause = _clause_subject(sentence, before)
        agents = [clause] if clause and _SUBJECT_GAP.match(sentence[clause.end : clause.end + 1]) else []
    for agent in agents:
        for target in _governed(sentence, after, trigger.end, triggers, trigger):
            yield agent, target


def _agent_nouns(sentence, mentions) -> Iterable[tuple[Mention, Mention]]:
    """(agent, target) pairs named by "T antagonist A" / "A, a T antagonist" / "antagonist of T"."""
    for noun in _AGENT_NOUN.finditer(sentence):
        relation = "increases" if noun.group().lower().startswith(("activator", "inducer")) else "decreases"
        before = [m for m in mentions if m.end <= noun.start()]
        after = [m for m in mentions if m.start >= noun.end()]
        target = (
            before[-1]
            if before
            and re.fullmatch(r"[\s-]*(?:signal(?:l)?ing|pathway)?[\s-]*", sentence[before[-1].end : noun.start()], re.I)
            else None
        )
        if target is None:
            continue
        agent = None
        if after and re.fullmatch(r"\s*(?:\w+\s+)?", sentence[noun.end() : after[0].start]):
            agent = after[0]  # "the Wnt antagonist Dickkopf-1"
        else:
            appositive = re.search(r"\s*,\s*(?:an?|the)\s+$", sentence[: target.start])
            earlier = [m for m in before if m.end <= target.start]
            if appositive and earlier and earlier[-1].end == appositive.start():
                agent = earlier[-1]  # "DKK1, a Wnt antagonist"
        if agent is not None and agent.slug != target.slug:
            yield relation, agent, target, noun


def _agent_noun_claims(sentence: str, mentions: list[Mention]) -> list[Extracted]:
    found = []
    for relation, agent, target, noun in _agent_nouns(sentence, mentions):
        found.append(
            Extracted(
                agent.slug,
                relation,
                target.slug,
                negated=False,
                hedged=bool(_HEDGE.search(sentence, 0, noun.start())),
                sentence_start=0,
                sentence_end=len(sentence),
                agent_span=(agent.start, agent.end),
                target_span=(target.start, target.end),
                trigger_span=(noun.start(), noun.end()),
            )
        )
    return found


def _clause_subject(sentence, before) -> Mention | None:
    """The name opening the sentence or its "that" clause ("In addition, X …", "… show that X …")."""
    for mention in before:
        lead = sentence[: mention.start]
        if re.fullmatch(r"(?:(?:[\w-]+\s+){0,3}[\w-]+,\s+)?", lead) or re.search(
            r"\bthat\s+(?:[\w+-]+\s+){0,2}$", lead
        ):
            return mention
    return None


def _subject(sentence, before, trigger, triggers, appositive=False) -> list[Mention]:
    """The names that are the trigger's subject: the nearest name before it, when only words a
    subject may have between itself and its verb stand between them, with the names
    coordinated with it ("TNF-α and IL-1β induce")."""
    if not before:
        return []
    nearest = before[-1]
    gap = sentence[nearest.end : trigger.start]
    if appositive:
        if not re.fullmatch(r"\s*(?:,\s*)?(?:is|are|was|were)?\s*(?:an?|the|its|their)?\s*", gap, re.I):
            return []
    elif (
        len(gap) > _SUBJECT_REACH
        or not _SUBJECT_GAP.match(gap)
        or _crosses(sentence, nearest.end, trigger.start, triggers, nominal=True)
        or (_PAST.search(trigger.word) and re.search(r"\b(?:is|are|was|were|be|been|being)\b", gap, re.I))
    ):
        # (a participle after "was" is passive: its agent comes with "by"; no "and" in the gap:
        # after "X and" the verb is the clause subject's second one, or an adjective, "X and impaired Y")
        return []
    head = None if appositive else _reduced_relative_head(sentence, before, nearest)
    if head is not None:
        # "sRANKL released from osteogenic cells binds to RANK": the subject is sRANKL.
        nearest, before = head, [m for m in before if m.end <= head.end]
    if not appositive and (
        _PREPOSITION_BEFORE.search(sentence, 0, nearest.start) or _OBJECT_OF_PHRASE.search(sentence, 0, nearest.start)
    ):
        # "treatment with X inhibited", "inhibition of Y and X blocked": X is not the subject.
        return []
    subject = [nearest]
    for earlier in reversed(before[:-1]):
        if earlier.end <= subject[-1].start and _COORDINATION.fullmatch(sentence[earlier.end : subject[-1].start]):
            subject.append(earlier)
        elif earlier.start < subject[-1].start and earlier.end > subject[-1].start:
            continue
        else:
            break
    if len(subject) > 1 and _PREPOSITION_BEFORE.search(sentence, 0, subject[-1].start):
        return []
    return subject


def _reduced_relative_head(sentence, before, mention) -> Mention | None:
    """The name a reduced relative clause ending in `mention` modifies ("sRANKL" of "sRANKL
    released from osteogenic cells"), or None when `mention` ends no such clause."""
    participle = _REDUCED_BEFORE.search(sentence, 0, mention.start)
    if participle is None:
        return None
    heads = [
        m for m in before if m.end <= participle.start() and _PARENTHESIS.fullmatch(sentence, m.end, participle.start())
    ]
    return heads[-1] if heads else None


def _heads_reduced_relative(sentence, mention, triggers) -> bool:
    """Whether a participle phrase with its own agent or source follows a name ("IL1β secreted by …")."""
    at = _PARENTHESIS.match(sentence, mention.end).end()
    return any(t.start == at and _PAST.search(t.word) and _REDUCED.match(sentence, t.end) for t in triggers)


def _governed(sentence, after, start, triggers, trigger, reach=_TARGET_REACH, strict=False) -> list[Mention]:
    """The names a trigger governs after `start`: the first within reach in the same clause,
    with the names coordinated with it ("inhibits IL-6 and TNF-α")."""
    if not after:
        return []
    candidates = [m for m in after if m.start >= start]
    if not candidates:
        return []
    first = candidates[0]
    gap = sentence[start : first.start]
    if len(gap) > reach or _crosses(sentence, start, first.start, triggers, trigger):
        return []
    if strict and re.search(r"\b(?:of|in|on|at|with|from|to|for|through)\b", gap, re.I):
        return []
    compound = next((t for t in triggers if t.start == first.end + 1 and _PAST.search(t.word)), None)
    if compound is not None and sentence[first.end] in "-\u2010":
        # "abrogated TNF-α-induced IL-6 secretion": the object is the compound's head (rule 7).
        stop = _COMPOUND_END.search(sentence, compound.end)
        candidates = [m for m in candidates if m.start >= compound.end and (stop is None or m.end <= stop.start())]
        if not candidates or candidates[0].start - compound.end > 30:
            return []
        first = candidates[0]
    governed = [first]
    for later in candidates[1:]:
        between = sentence[governed[-1].end : later.start]
        if later.start < governed[-1].end:
            continue
        if _COORDINATION.fullmatch(between) or (
            len(between) <= 30
            and re.search(r"(?:,|\band\b|\bor\b)", between)
            and not _crosses(sentence, governed[-1].end, later.start, triggers, trigger)
            and re.search(r"(?:,\s*|\band\s+|\bor\s+)(?:the\s+)?$", between)
        ):
            governed.append(later)
        else:
            break
    return governed


def _preceding(sentence, before, trigger, triggers) -> list[Mention]:
    """The names of the noun phrase a passive participle follows ("NF-κB and Akt pathway
    activation induced by RANKL"): back to the clause start or an earlier trigger."""
    if not before:
        return []
    nearest = before[-1]
    gap = sentence[nearest.end : trigger.start]
    if len(gap) > 40 or _crosses(sentence, nearest.end, trigger.start, triggers, nominal=True) or "," in gap:
        return []
    found = [nearest]
    for earlier in reversed(before[:-1]):
        between = sentence[earlier.end : found[-1].start]
        if (
            earlier.end <= found[-1].start
            and len(between) <= 25
            and re.search(r"\b(?:and|or)\b|,", between)
            and not _crosses(sentence, earlier.end, found[-1].start, triggers)
        ):
            found.append(earlier)
        else:
            break
    return found


def _crosses(sentence, start, end, triggers, own=None, nominal=False) -> bool:
    """Whether a clause boundary or another trigger lies between start and end (`nominal`: a
    noun such as "activation" in "NF-κB activation induced by" does not count)."""
    if _BOUNDARY.search(sentence, start, end):
        return True
    return any(
        t is not own and start <= t.start and t.end <= end and not (nominal and _NOMINAL.search(t.word))
        for t in triggers
    )


def _negated(sentence, agent, trigger) -> bool:
    """A negation between the agent (or, for a passive, 30 characters back) and the trigger, in
    the trigger's own verb phrase ("did not X, but induced Y" is not negated)."""
    start = agent.end if agent.end <= trigger.start else max(0, trigger.start - 30)
    window = re.split(r"\b(?:and|but)\b", sentence[start : trigger.start])[-1]
    return bool(_NEGATION.search(window))


def _shift(claim: Extracted, offset: int) -> Extracted:
    def moved(span):
        return (span[0] + offset, span[1] + offset)

    return Extracted(
        claim.agent,
        claim.relation,
        claim.target,
        claim.negated,
        claim.hedged,
        claim.sentence_start + offset,
        claim.sentence_end + offset,
        moved(claim.agent_span),
        moved(claim.target_span),
        moved(claim.trigger_span),
    )
