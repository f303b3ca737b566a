"""How easy public text is to read: guidance for the editor, never a gate.

Reading age is textstat's Flesch-Kincaid grade + 5. Flesch-Kincaid gives a US school grade from sentence
length and syllables per word, and a UK reading age is that grade plus five years (grade 4 is age 9, the
GOV.UK aim). We do not use textstat's `text_standard`: it is a consensus of several formulas, two of which
(Dale-Chall and Linsear Write) swing widely on the few sentences a summary has, and it answers a band
("4th and 5th grade") rather than a number an editor can move. The figure is clamped at 5 and "16+".
"""

import re
from dataclasses import dataclass, field

import textstat

AIM = 9  # GOV.UK: write for a reading age of 9
LONG_SENTENCE_WORDS = 25  # GOV.UK: sentences of 25 words or fewer
LONG_WORD_SYLLABLES = 4

# Words families should not have to know, and what to write instead (case matters for the acronyms).
JARGON = {
    "EHCP": "EHC plan (education, health and care plan)",
    "EHCNA": "an assessment for an EHC plan",
    "ND": "neurodivergent, or say what the condition is",
    "PfA": "getting ready for adult life",
    "LA": "the council",
    "ICB": "the NHS in Lancashire and South Cumbria",
    "SENCo": "the person at school who helps children with SEND (SENCO)",
    "SENCO": "the person at school who helps children with SEND",
    "CAMHS": "children's mental health services",
    "SEMH": "social, emotional and mental health",
    "AP": "alternative provision (education outside school)",
    "KPI": "measure",
    "stakeholders": "people, or say who",
    "cohort": "group",
    "co-production": "working together with families",
    "coproduction": "working together with families",
    "workstream": "team",
    "leverage": "use",
    "facilitate": "help",
    "utilise": "use",
    "pathway": "the steps to get help",
    "holistic": "whole",
    "multi-agency": "services working together",
}

SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


@dataclass
class Readability:
    """What the editor sees beside a draft."""

    words: int = 0
    reading_age: int | None = None
    long_sentences: list = field(default_factory=list)
    long_words: list = field(default_factory=list)
    jargon: list = field(default_factory=list)  # (word, what to write instead)

    @property
    def reading_age_text(self):
        if self.reading_age is None:
            return "not enough words yet"
        return "16 or over" if self.reading_age >= 16 else str(self.reading_age)

    @property
    def meets_aim(self):
        return self.reading_age is not None and self.reading_age <= AIM


def reading_age(text):
    """Flesch-Kincaid grade + 5, rounded, at least 5 (None for text without words)."""
    if not WORD.search(text or ""):
        return None
    return max(5, round(textstat.flesch_kincaid_grade(text) + 5))


def find_jargon(text):
    found = []
    for word, plain in JARGON.items():
        flags = 0 if word.isupper() or any(c.isupper() for c in word[1:]) else re.IGNORECASE
        if re.search(rf"(?<![A-Za-z]){re.escape(word)}s?(?![A-Za-z])", text, flags):
            found.append((word, plain))
    return found


def check(text):
    """The readability of `text`: reading age, sentences over 25 words, words of 4+ syllables, jargon."""
    text = text or ""
    words = WORD.findall(text)
    result = Readability(words=len(words), reading_age=reading_age(text), jargon=find_jargon(text))
    for sentence in SENTENCE_END.split(text):
        count = len(WORD.findall(sentence))
        if count > LONG_SENTENCE_WORDS:
            result.long_sentences.append((sentence.strip(), count))
    seen = set()
    for word in words:
        key = word.lower()
        if key not in seen and textstat.syllable_count(word) >= LONG_WORD_SYLLABLES:
            seen.add(key)
            result.long_words.append(word)
    return result
