"""What the claim reader reads in one sentence, in the shape the reader tests compare."""


def read(extractor, sentence: str) -> dict:
    """{(agent, relation, target): (negated, hedged)} of one sentence."""
    return {claim.key: (claim.negated, claim.hedged) for claim in extractor.claims(sentence)}
