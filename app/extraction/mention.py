"""The mutable working form of a movement inside the pipeline (never exported)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Mention:
    """One candidate movement found in one sentence, before merging and resolution."""

    sentence: int  # index into the article's sentence list
    order: int  # position of the movement word inside the sentence
    chain: int  # coordinated verbs of one sentence share a chain id
    unit: str | None = None
    unit_anaphoric: bool = False
    origin: str | None = None
    destination: str | None = None
    status: str = "reported"
    source: str | None = None
    source_pronoun: str | None = None  # "person" | "group" when the speaker is a pronoun
    outlet: str | None = None
    agent: str | None = None
    confidence: float = 0.7
    quote_tail: bool = False  # the speaker must come from text after a closing quote
    extra: dict[str, str] = field(default_factory=dict)
