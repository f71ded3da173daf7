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
- relative clause: "sICAM-1 and sVCAM-1, which further promoted IL-6";
- means: "A reduces Z by inhibition of X", "… by TNF-α via activating NF-κB";
- treated group: "IL-6 was reduced in the thalidomide-treated group";
- agent noun: "the Wnt antagonist Dickkopf-1", "the Wnt inhibitor (Dkk1)", "Y, a ligand of X",
  "sclerostin, an antagonist of Wnt signalling";
- binding noun: "the interaction of RANKL with RANK", "CXCL12 and its receptor CXCR4".

A name is no agent when something acts on it ("blocking IL-6", "BMSC-EVs") and no target when it
only modifies the object ("STAT3-dependent PD-1 expression") or the object is what befalls it
("apoptosis of osteoblasts").

A claim is `negated` when a negation governs its trigger ("did not inhibit", "was not induced
by", "failed to", "without"; "not only" is no negation) and `hedged` when a hedge ("may",
"suggest", "whether", "potential" …) comes before the trigger in the sentence; a claim a noun
phrase names ("RANKL-induced", "X induced by Y", "a Wnt antagonist") only under a hedge of its
own phrase or a hedged report ("suggests that").
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
    r"\s+(?:(?:an?|the)\s+)?(?:\w+ly\s+|significant\s+)?(?:[a-z]+(?:ive|ine|al|ant|ent)\s+){0,2}(?:(?P<decreases>(?:"
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
# Binding named by a noun with its partners: "the interaction of X with Y", "X and its receptor Y".
_BINDING_NOUN = re.compile(r"\b(?:interactions?|binding)\s+of\s+", re.I)
_PARTNER = re.compile(r"\s*(?:\([^()]*\)\s*)?(?:with|to)\s+(?!its\b)", re.I)
_ITS_PARTNER = re.compile(
    r"\b(?:and|with|to)\s+its\s+(?:(?:cognate|specific|natural|own|main|sole)\s+)?(?P<noun>receptors?|ligands?)\s+",
    re.I,
)
_ITS_GAP = re.compile(r"[\s)]*,?\s*")
_NOUN_GAP = re.compile(r"[^,;]{0,40}")
# "X, a(n) (potent) …", "X is an …", "X acts as an …": what follows describes X.
_APPOSITIVE = re.compile(r"(?:\s*,\s*|\s+(?:is|are|was|were|as)\s+)(?:an?|the)\s+(?:(?!of\b)[a-z-]+\s+)?$", re.I)
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
# Nouns that stand for the tag they are "of" (rule 1): "the secretion of IL6" is IL6.
_TRANSPARENT_OF = re.compile(
    r"\b(?:expression|secretion|production|release|levels?|activity|activation|signal(?:l)?ing|synthesis"
    r"|concentrations?|amounts?|phosphorylation|formation|differentiation)\s+of\s+(?:the\s+)?$",
    re.I,
)
# A verb or prefix acting on the name after it: "blocking IL-6", "silencing β-catenin", "anti-TNF-α".
_ACTED_ON = re.compile(
    r"(?:\banti-|\b(?:block|inhibit|silenc|neutrali[sz]|target|deplet|delet|suppress|antagoni[sz]|abrogat|ablat)ing\s+"
    r"(?:the\s+)?|\bknocking\s+down\s+)$",
    re.I,
)
# Nouns whose "of", "in" or "to" phrase names no tag acted on: a cell's death or fate, a drug's
# resistance ("induced apoptosis of osteoblasts", "resistance to bortezomib").
_OPAQUE_HEAD = re.compile(
    r"\b(?:apoptosis|death|survival|viability|senescence|autophagy|necrosis|pyroptosis|ferroptosis|cytotoxicity"
    r"|toxicity|damage|injury|sensitivity|resistance|susceptibility)\s+(?:of|in|to|on|among|within)\b",
    re.I,
)
_PREPOSITION_BEFORE = re.compile(r"\b(?:of|with|by|from|in|on|to|against|for|than|via|through|without|after)\s*$", re.I)
_OBJECT_OF_PHRASE = re.compile(r"\b(?:of|with|by|from|in|to|against)\s+(?:[^\s,;]+\s+){1,3}(?:and|or)\s+$", re.I)
_BY = re.compile(r"\s*(?:\w+ly\s+)?(?:by|via)\s+(?!\w+ing\b)", re.I)
# A participle with its agent or source after it modifies the noun before it (a reduced relative
# clause): "sRANKL released from osteogenic cells", "IL1β secreted by activated myeloid cells".
_REDUCED = re.compile(r"\s*(?:\w+ly\s+)?(?:by|from)\b", re.I)
_REDUCED_BEFORE = re.compile(r"\b[\w-]+(?:ed|en)\s+(?:\w+ly\s+)?(?:by|from)\s+(?:[\w-]+\s+){0,2}$", re.I)
# "X, which (also) induces": the relative pronoun, then what may stand between it and its verb.
_RELATIVE = re.compile(
    r",\s*which\s+(?:(?:also|further|then|in turn|can|could|may|might|would|will|did|does|do|not|is|are|was|were"
    r"|has|have|had|been|known to|able to|\w+ly)\s+)*$",
    re.I,
)
# A means: "by reducing", "by inhibition of", "thereby producing", "via activating".
_MEANS = re.compile(r"\b(?:by|thereby|thus|(?P<via>via|through))\s+(?:the\s+)?$", re.I)
_BY_AGENT = re.compile(r"\s*(?:\([^()]*\)\s*)?")
# A name glued by a hyphen to the word after it modifies what follows: "RANKL-induced
# osteoclastogenesis", "STAT3-dependent PD-1 expression", "BMSC-EVs".
_GLUED = re.compile(r"[-\u2010][^\W\d_]{2}[\w-]*")
# A passive verb, not one raising its subject to an infinitive ("X was reported to induce A and inhibit B").
_PASSIVE = re.compile(r"\b(?:is|are|was|were|be|been|being)\s+(?:\w+ly\s+)?[\w-]+(?:ed|en)\b(?!\s+to\b)", re.I)
_AUXILIARY_BEFORE = re.compile(r"\b(?:is|are|was|were|be|been)\s+(?:\w+ly\s+)?$", re.I)
_TREATED = re.compile(
    r"\s*(?:\w+ly\s+)?(?:when|after|upon|following|once)\s+[^;,]{0,40}?"
    r"\b(?:treated|stimulated|exposed|incubated|challenged)\s+(?:with|to)\s+",
    re.I,
)
_IN_GROUP = re.compile(r"\s*(?:\w+ly\s+)?in\s+(?:the\s+)?", re.I)
_TREATED_WITH = re.compile(r"[-\u2010]treated\b", re.I)
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
# A hedge reporting a whole clause, which reaches the noun phrases inside it too (rule 14).
_REPORTED = re.compile(r"\b(?:suggest|indicat|propos|hypothes|speculat|presum)\w*\s+that\b", re.I)
_COORDINATION = re.compile(r"^(?:\s|,|\([^()]*\)|and|or|as well as|both|either|the|its|their|\w+ly)*$", re.I)
_TARGET_REACH = 60  # characters between a trigger and the first name it governs
_SUBJECT_REACH = 45
_NOUN_HEDGE_REACH = 30  # characters before an agent or binding noun where a hedge is its own


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


@dataclass(frozen=True)
class CoMentioning:
    """A sentence naming two or more tags: where it starts in the text given, its text, every
    mention in it (offsets in the sentence) and the claims it states (offsets in the text given)."""

    start: int
    text: str
    mentions: list[Mention]
    claims: list[Extracted]


class ClaimExtractor:
    def __init__(self, tagger: Tagger):
        self.tagger = tagger

    def claims(self, text: str) -> list[Extracted]:
        """The claims of plain text, sentence by sentence, one per (agent, relation, target) and
        sentence (the first reading wins)."""
        return [claim for sentence in self.co_mentioning(text) for claim in sentence.claims]

    def co_mentioning(self, text: str) -> list[CoMentioning]:
        """The sentences of plain text that name two or more tags, in order, with their claims:
        one pass of the tagger serves the claims and the sentences left to a curator to read."""
        found: list[CoMentioning] = []
        starts = [*sentence_starts(text), len(text)]
        for start, end in zip(starts, starts[1:]):
            sentence = text[start:end].rstrip()
            mentions = self.tagger.mentions(sentence)
            if len({m.slug for m in mentions}) >= 2:
                claims = [_shift(claim, start) for claim in sentence_claims(sentence, mentions)]
                found.append(CoMentioning(start, sentence, mentions, claims))
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
                hedged=bool(
                    (_REPORTED if _presupposed(sentence, agent, trigger) else _HEDGE).search(sentence, 0, trigger.start)
                ),
                sentence_start=0,
                sentence_end=len(sentence),
                agent_span=(agent.start, agent.end),
                target_span=(target.start, target.end),
                trigger_span=(trigger.start, trigger.end),
            )
            found.setdefault(claim.key, claim)
    for claim in _noun_claims(sentence, mentions):
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
    group = _IN_GROUP.match(sentence, trigger.end) if by is None and _PAST.search(word) else None
    treated = [m for m in after if group and m.start == group.end() and _TREATED_WITH.match(sentence, m.end)]
    if treated:
        # "IL-6 was reduced in the bortezomib-treated group": the treatment acts (rule 11).
        for target in _preceding(sentence, before, trigger, triggers):
            yield treated[0], target
        return
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
                    else:  # "Thalidomide reduces X by inhibition of NF-κB": the means of a clause
                        agents = _means_agent(sentence, before, trigger)
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
    if word.endswith("ing") and _MEANS.search(sentence, 0, trigger.start):
        for agent in _means_agent(sentence, before, trigger):
            yield from ((agent, target) for target in _governed(sentence, after, trigger.end, triggers, trigger))
        return
    # Active: "DKK-1 inhibits Wnt signalling", "TNF-α and IL-1β induce X and Y".
    if word.endswith(("ion", "ment", "ance")) or re.match(r"\w+(?:ers?|ors?|ists?)$", word):
        return
    if _PAST.search(word) and _REDUCED.match(sentence, trigger.end):
        return  # "sRANKL released from osteogenic cells": the participle is passive
    agents = _subject(sentence, before, trigger, triggers) or _relative_antecedent(sentence, before, trigger)
    if not agents and re.search(r"(?:,\s*|\s)(?:and|but)\s+(?:\w+ly\s+|also\s+)?$", sentence[: trigger.start]):
        # A second verb of the subject: "TNFα did not influence X, but induced MMP1".
        clause = _clause_subject(sentence, before)
        # (not after a passive: "TGF-β is inhibited by SB to drive … and reduce Y" — SB reduces Y)
        active = clause and not _PASSIVE.search(sentence, clause.end, trigger.start)
        agents = [clause] if active and _SUBJECT_GAP.match(sentence[clause.end : clause.end + 1]) else []
    for agent in agents:
        for target in _governed(sentence, after, trigger.end, triggers, trigger):
            yield agent, target


def _agent_nouns(sentence, mentions) -> Iterable[tuple[str, Mention, Mention, re.Match]]:
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
            # "sclerostin, an antagonist of Wnt signalling": the agent is the name the noun is in apposition to
            of = re.match(r"\s+of\s+(?:the\s+)?", sentence[noun.end() :])
            appositive = _APPOSITIVE.search(sentence, 0, noun.start())
            named = [m for m in before if appositive and m.end == appositive.start()]
            if of and after and after[0].start == noun.end() + of.end() and named:
                yield relation, named[-1], after[0], noun
            continue
        agent = None
        if after and re.fullmatch(r"\s*(?:\w+\s+)?\(?", sentence[noun.end() : after[0].start]):
            agent = after[0]  # "the Wnt antagonist Dickkopf-1", "the Wnt inhibitor (Dkk1)"
        else:
            appositive = re.search(r"\s*,\s*(?:an?|the)\s+$", sentence[: target.start])
            earlier = [m for m in before if m.end <= target.start]
            if appositive and earlier and earlier[-1].end == appositive.start():
                agent = earlier[-1]  # "DKK1, a Wnt antagonist"
        if agent is not None:
            yield relation, agent, target, noun


def _binding_nouns(sentence, mentions) -> Iterable[tuple[str, Mention, Mention, re.Match]]:
    """Binding named by a noun: "the interaction of RANKL with RANK", "binding of X to Y", "X and
    its receptor Y", "Y and its ligand X" (the ligand is the agent). (The substring tests spare
    the import the scans on the many sentences naming neither.)"""
    lower = sentence.lower()
    nouns = _BINDING_NOUN.finditer(sentence) if "interaction" in lower or "binding" in lower else ()
    for noun in nouns:
        first = [m for m in mentions if m.start >= noun.end()]
        if not first or not _NOUN_GAP.fullmatch(sentence, noun.end(), first[0].start):
            continue
        partner = _PARTNER.match(sentence, first[0].end)  # (not "with its ligand Y": read below, from "its")
        second = [m for m in mentions if partner and m.start >= partner.end()]
        if second and _NOUN_GAP.fullmatch(sentence, partner.end(), second[0].start):
            yield "binds", first[0], second[0], noun
    for its in _ITS_PARTNER.finditer(sentence) if " its " in lower else ():
        named = [m for m in mentions if m.end <= its.start() and _ITS_GAP.fullmatch(sentence, m.end, its.start())]
        partner = [m for m in mentions if m.start >= its.end() and _NOUN_GAP.fullmatch(sentence, its.end(), m.start)]
        if named and partner:
            ligand = its.group("noun").lower().startswith("ligand")
            yield ("binds", partner[0], named[-1], its) if ligand else ("binds", named[-1], partner[0], its)


def _noun_claims(sentence: str, mentions: list[Mention]) -> list[Extracted]:
    """The claims named by agent nouns ("the Wnt antagonist DKK1") and binding nouns."""
    found = []
    for relation, agent, target, noun in (*_agent_nouns(sentence, mentions), *_binding_nouns(sentence, mentions)):
        if agent.slug == target.slug:
            continue
        found.append(
            Extracted(
                agent.slug,
                relation,
                target.slug,
                negated=False,
                # a noun names its claim: only a hedge within its own phrase ("a putative Wnt
                # antagonist", "may act as an inhibitor of") puts it under a hedge
                hedged=bool(_HEDGE.search(sentence, max(0, noun.start() - _NOUN_HEDGE_REACH), noun.start())),
                sentence_start=0,
                sentence_end=len(sentence),
                agent_span=(agent.start, agent.end),
                target_span=(target.start, target.end),
                trigger_span=(noun.start(), noun.end()),
            )
        )
    return found


def _means_agent(sentence, before, trigger) -> list[Mention]:
    """Who acts through the means a trigger after "by", "via", "through" or "thereby" names: the
    agent of a "by" phrase right before "via" ("… by TNF-α via activating NF-κB"), else the
    subject of an active clause ("Zoledronic acid impairs X by reducing CCL3")."""
    means = _MEANS.search(sentence, 0, trigger.start)
    if means is None:
        return []
    if means.group("via"):
        by = [m for m in before if _BY_AGENT.fullmatch(sentence, m.end, means.start())]
        if by and re.search(r"\bby\s+(?:(?!\w+ing\b)[\w-]+\s+){0,2}$", sentence[: by[-1].start], re.I):
            return [by[-1]]
    clause = _clause_subject(sentence, before)
    if clause is None or _PASSIVE.search(sentence, clause.end, means.start()):
        return []  # "Y was reduced by inhibiting X": Y is no agent
    return [clause]


def _clause_subject(sentence, before) -> Mention | None:
    """The name opening the sentence or its "that" clause ("In addition, X …", "… show that X …")."""
    for mention in before:
        lead = sentence[: mention.start]
        that = re.search(r"\bthat\s+(?:[\w+-]+\s+){0,2}$", lead)
        if re.fullmatch(r"(?:(?:[\w-]+\s+){0,3}[\w-]+,\s+)?", lead) or (
            that and not _TRIGGER.search(lead, that.start() + 4)  # "that IL-19 suppressed X": X is an object
        ):
            # a glued name modifies the subject, not is it: "BMSC-EVs enhanced …"
            return None if _glued(sentence, mention, before) else mention
    return None


def _glued(sentence, mention, mentions) -> re.Match | None:
    """The word a name is glued to by a hyphen, which makes the name its modifier ("STAT3-dependent",
    "RANKL-induced"); not another name: "the RANKL-RANK axis" joins two names."""
    glued = _GLUED.match(sentence, mention.end)
    return None if glued is None or any(m.start == mention.end + 1 for m in mentions) else glued


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
    subject = _with_conjuncts(sentence, before[:-1], nearest)
    if len(subject) > 1 and _PREPOSITION_BEFORE.search(sentence, 0, subject[-1].start):
        return []
    if _ACTED_ON.search(sentence, 0, subject[-1].start):
        return []  # "Blocking IL-6 reduced VEGF": the agent is what acts on IL-6 (rule 4)
    return subject


def _relative_antecedent(sentence, before, trigger) -> list[Mention]:
    """The names a relative clause's "which" stands for when it is the trigger's subject ("sICAM-1
    and sVCAM-1, which further promoted IL-6", rule 9): the names right before ", which"."""
    relative = _RELATIVE.search(sentence, 0, trigger.start)
    if relative is None or (_PAST.search(trigger.word) and _AUXILIARY_BEFORE.search(sentence, 0, trigger.start)):
        return []  # no relative clause, or a passive one ("X, which was induced"): its agent comes with "by"
    antecedent = [m for m in before if m.end <= relative.start()]
    if not antecedent or not _PARENTHESIS.fullmatch(sentence, antecedent[-1].end, relative.start()):
        return []
    names = _with_conjuncts(sentence, antecedent[:-1], antecedent[-1])
    return [] if _object_of_phrase(sentence, names[-1]) else names


def _with_conjuncts(sentence, earlier, name) -> list[Mention]:
    """A name with the names coordinated before it ("TNF-α and IL-1β"), nearest first."""
    names = [name]
    for mention in reversed(earlier):
        if mention.end <= names[-1].start and _COORDINATION.fullmatch(sentence[mention.end : names[-1].start]):
            names.append(mention)
        elif not (mention.start < names[-1].start < mention.end):  # a name overlapping it is skipped
            break
    return names


def _object_of_phrase(sentence, mention) -> bool:
    """Whether a name is the object of a preposition ("treatment with X", "inhibition of X"), other
    than "of" after a noun that stands for the tag itself ("the secretion of IL6", rule 1)."""
    return bool(_PREPOSITION_BEFORE.search(sentence, 0, mention.start)) and not _TRANSPARENT_OF.search(
        sentence, 0, mention.start
    )


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
    if _OPAQUE_HEAD.search(gap):
        return []  # "induced apoptosis of osteoblasts" is no claim about osteoblasts (rule 1)
    glued = _glued(sentence, first, after)
    if glued:
        # "abrogated TNF-α-induced IL-6 secretion", "promotes STAT3-dependent PD-1 expression": the
        # object is the head the glued name modifies (rule 7), if it is a tag.
        stop = _COMPOUND_END.search(sentence, glued.end())
        candidates = [m for m in candidates if m.start >= glued.end() and (stop is None or m.end <= stop.start())]
        if not candidates or candidates[0].start - glued.end() > 30:
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


def _presupposed(sentence, agent, trigger) -> bool:
    """Whether a noun phrase names the claim rather than a clause stating it (rule 5): a compound
    ("whether PTE could inhibit RANKL-induced osteoclast differentiation") or a participle with its
    agent after the noun it modifies ("effects of GLA in osteogenesis induced by RANKL"). A hedge
    on the clause ("whether", "could", "possible") does not reach it; a hedged report of it ("suggests
    that", rule 14) does."""
    if sentence[trigger.start - 1 : trigger.start] in ("-", "\u2010"):
        return True
    return (
        agent.start >= trigger.end
        and bool(_PAST.search(trigger.word) and _BY.match(sentence, trigger.end))
        and not _AUXILIARY_BEFORE.search(sentence, 0, trigger.start)
        and not re.search(r"\b(?:has|have|had)\s+(?:\w+ly\s+)?$", sentence[: trigger.start], re.I)
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
