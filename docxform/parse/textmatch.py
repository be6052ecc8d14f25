"""Match a paragraph of a form to the framework prompt it repeats, by wording.

Forms that carry no item ids (seed 003's Issue / Action / Developments plan)
identify each requirement or checklist question only by its wording, and the
respondent's copy words it differently from the framework ("Do you have an
information sharing protocol?" for "Is there an information sharing
protocol?"). The similarity is rapidfuzz's (C-fast, the well-kept standard for
fuzzy string matching) over the *content words*: case, punctuation, function
words ("do", "you", "is", "there", "the" ...) and plural "s" are dropped first,
so a question rephrased from "Do you ..." to "Is there ..." still scores high,
while two different requirements that share only function words score low. The
question's addressee ("Has the partnership produced" = "Have you produced") is
no content word either.

A match is accepted only when it is **over the threshold**, **unique** (the
runner-up prompt, another prompt, not another line of the same one, must be
more than ``margin`` points behind) and **undisputed**: a second, independent
measure, the rarity-weighted overlap of the two texts' words (:class:`_Overlap`),
finds no other prompt sharing more of the paragraph's words. Otherwise the match
is weak or ambiguous, and the caller reports it with its score instead of
placing the answer (the caller may still settle it by the rows around it: see
``textanchors._resolve_by_neighbours``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from docxform.framework.model import Framework

#: Scores are 0-100. Chosen before measuring; on seed 003, the one real return without ids we have, the
#: requirements the framework does not have score at most 62 against any prompt, and the rephrased
#: requirements and questions a person matches score 56-100 (those under 70 are reported, not placed, unless
#: the rows around them settle them: textanchors.NEAR). Unchanged on 2026-12-06 (docs/mappings.md, figures).
THRESHOLD = 70.0
MARGIN = 5.0
#: Only so much of a paragraph is compared (prompts are shorter): a pasted essay costs no more than a prompt.
MAX_QUERY = 1500
MEMO_SIZE = 20_000
#: A paragraph that is not a prompt but reads like one of these (hallmark and theme names) is a heading.
HEADING_SCORE = 80.0
#: A question asking two prompts of one item at once ("Is there a protocol and have the authorities signed
#: it?" for 9a and 9b): the two prompts' words together must match it at the threshold, beat the best single
#: prompt and every other pair by the margin, and each prompt's own words be found in it at this score.
PAIR_COVER = 80.0
#: Pairs are sought among this many best-scoring prompts.
PAIR_POOL = 10

_STOP = frozenset((
    "a", "an", "the", "of", "to", "and", "or", "in", "on", "for", "by", "with", "it", "its", "is", "are",
    "be", "been", "being", "was", "were", "do", "does", "did", "you", "your", "we", "our", "they", "their",
    "there", "this", "that", "these", "those", "have", "has", "had", "will", "shall", "can", "could",
    "would", "should", "must", "any", "all", "as", "at", "from", "into", "which", "who", "whom", "what",
    "how", "if", "not", "also", "so", "got",
))
_MARKS = re.compile(r"^[\s✓✔☑√•·▪◦○●\-–—*]+")


#: A question's opening names whom it asks: "Have you produced", "Has the partnership produced", "Have we
#: produced" ask the same body (a self-assessment's reader is the partnership; "you" and "we" are function
#: words already), so "the partnership" between a be/have opening and a participle, an -ing form or an
#: adverb is no content word. Not before a noun ("Is the partnership plan published?" keeps it), and not
#: after "do"/"does" ("Does the partnership plan include..." cannot be told from "Does the partnership run").
_IRREGULAR = ("made|done|got|put|set|run|seen|given|taken|kept|held|met|found|built|sent|brought|thought|sought|"
              "been|begun|led|paid|left|told|shown|known|grown|drawn|chosen|written|spoken")
_OPENING = re.compile(r"^((?:is|are|was|were|has|have|had) )(?:the |your |our |this )?(?:partnership|cdrp|csp) "
                      rf"(?=\w+(?:ed|en|ing|ly)\b|(?:{_IRREGULAR})\b)")
_SUFFIX = re.compile(r"(?:ing|ed|e)$")
_NUMBER_WORDS = "one two three four five six seven eight nine ten"
_NUMBERS = {word: str(n) for n, word in enumerate(_NUMBER_WORDS.split(), start=1)}


def _word(word: str) -> str:
    """One word in loose form: a number word as its digits (the framework prints "5", a form "five"), stemmed."""
    if word in _NUMBERS:
        return _NUMBERS[word]
    if len(word) <= 4:
        return word
    if word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return _SUFFIX.sub("", word)


@lru_cache(maxsize=1 << 14)
def content_words(text: str) -> str:
    """The words that carry meaning, in loose form: lower case, no punctuation, no function words, number
    words as digits, and a light stem (``publishing`` = ``publish``, ``prepare`` = ``preparing``)."""
    from rapidfuzz import utils  # here, not at the top: only forms read by wording need rapidfuzz (start-up)

    text = utils.default_process(text)
    opening = _OPENING.match(text)  # match, not sub: a text that does not open so costs 0.3 us, not 3
    if opening:
        text = opening.group(1) + text[opening.end():]
    return " ".join(_word(w) for w in text.split() if w not in _STOP)


def strip_marks(text: str) -> str:
    """The paragraph without the tick or bullet typed before it."""
    return _MARKS.sub("", text).strip()


def similarity(a: str, b: str, **_: object) -> float:
    """Similarity of two texts already in :func:`content_words` form: the better of word order kept or sorted."""
    from rapidfuzz import fuzz

    return max(fuzz.ratio(a, b), fuzz.token_sort_ratio(a, b))


@dataclass(frozen=True)
class Candidate:
    """One text a paragraph may repeat: a prompt, one line of a prompt, or an item without prompts."""

    item: str
    prompt: str | None
    line: int  # -1 for the whole text, else the line of a prompt printed over several lines
    text: str


@dataclass(frozen=True)
class Match:
    """The best candidate for a paragraph, its score, and the best score of any *other* prompt."""

    candidate: Candidate
    score: float
    runner_up: Candidate | None
    runner_up_score: float
    #: Another prompt that shares more of the paragraph's rare words than the best does (see
    #: PromptIndex.overlaps); None when the two measures agree.
    dissent: Candidate | None = None

    @property
    def key(self) -> tuple[str, str | None]:
        return self.candidate.item, self.candidate.prompt

    def status(self, threshold: float = THRESHOLD, margin: float = MARGIN) -> str:
        """``ok`` (placed), ``weak`` (below the threshold) or ``ambiguous`` (another prompt as close, or
        another prompt sharing more of its words)."""
        if self.score < threshold:
            return "weak"
        if self.dissent is not None or (self.runner_up is not None and self.score - self.runner_up_score < margin):
            return "ambiguous"
        return "ok"

    def rivals(self, margin: float = MARGIN) -> set[str]:
        """The items of the prompts that stand against the best: the runner-up when it is within the margin,
        and the dissent."""
        out = {self.dissent.item} if self.dissent is not None else set()
        if self.runner_up is not None and self.score - self.runner_up_score < margin:
            out.add(self.runner_up.item)
        return out


@dataclass(frozen=True)
class PairMatch:
    """Two prompts of one item that one paragraph asks together, in the framework's order, and the score."""

    first: Candidate
    second: Candidate
    score: float


class PromptIndex:
    """Every prompt of a framework (and each line of a multi-line prompt), ready to be matched."""

    def __init__(self, framework: Framework) -> None:
        self.candidates: list[Candidate] = []
        for item in framework.items:
            prompts = [p for p in item.prompts if p.id]
            if not prompts:
                self._add(item.id, None, item.text)
            for prompt in prompts:
                self._add(item.id, prompt.id, prompt.text)
        self.choices = [content_words(c.text) for c in self.candidates]
        self.keys = [(c.item, c.prompt) for c in self.candidates]
        self._overlap = _Overlap(self.choices)
        self.headings = _heading_words(framework)
        self.memo: dict[str, Match | None] = {}  # a batch's returns repeat the same questions
        self.pair_memo: dict[tuple[str, float], PairMatch | None] = {}

    def _add(self, item: str, prompt: str | None, text: str) -> None:
        lines = [strip_marks(line) for line in text.splitlines() if strip_marks(line)]
        self.candidates.append(Candidate(item, prompt, -1, " ".join(lines)))
        if len(lines) > 1:
            self.candidates += [Candidate(item, prompt, i, line) for i, line in enumerate(lines)]

    def best(self, text: str) -> Match | None:
        """The best candidate for a paragraph and the best of any other prompt (None for an empty text)."""
        query = content_words(strip_marks(text[:MAX_QUERY]))
        if query in self.memo:
            return self.memo[query]
        found = self._best(query) if query else None
        if len(self.memo) < MEMO_SIZE:
            self.memo[query] = found
        return found

    def _best(self, query: str) -> Match | None:
        scores = self.scores(query)
        found = sorted(range(len(scores)), key=lambda i: -scores[i])
        if not found:
            return None
        first = found[0]
        score, top = scores[first], self.candidates[first]
        dissent = self._dissent(query, top)
        for index in found[1:]:
            other_score = scores[index]
            other = self.candidates[index]
            if (other.item, other.prompt) != (top.item, top.prompt):
                return Match(top, score, other, other_score, dissent)
        return Match(top, score, None, 0.0, dissent)

    def _dissent(self, query: str, top: Candidate) -> Candidate | None:
        """The prompt sharing the most of the query's weighted words, when that is not ``top``'s prompt.

        A second, independent measure: the similarity above compares letters, so a long paragraph can
        score high against a prompt that shares few of its telling words. When the prompt sharing most of
        them (weighted by rarity, see _Overlap) is another, the match is not sure. Ties go to ``top``.
        """
        key = (top.item, top.prompt)
        own, other, other_score = 0.0, None, 0.0
        for index, value in self._overlap.scores(query).items():
            if self.keys[index] == key:
                own = max(own, value)
            elif value > other_score:
                other, other_score = index, value
        if other is None or (own > 0 and own >= other_score):
            return None  # it shares the most (ties go to the best), or no prompt shares a word: letters decide
        return self.candidates[other]

    def best_pair(self, text: str, single: Match | None, threshold: float = THRESHOLD) -> PairMatch | None:
        """The two prompts of one item the paragraph asks together, or None (see PAIR_COVER)."""
        query = content_words(strip_marks(text[:MAX_QUERY]))
        key = (query, threshold)
        if key not in self.pair_memo:
            found = self._best_pair(query, threshold) if query else None
            if found is not None and single is not None and found.score < single.score + MARGIN:
                found = None  # one prompt explains it as well: no reason to read it as two
            if len(self.pair_memo) < MEMO_SIZE:
                self.pair_memo[key] = found
            return found
        found = self.pair_memo[key]
        return None if found is None or (single is not None and found.score < single.score + MARGIN) else found

    def _best_pair(self, query: str, threshold: float) -> PairMatch | None:
        scores = self.scores(query)
        pool = [i for i in sorted(range(len(scores)), key=lambda i: -scores[i])
                if self.candidates[i].line == -1 and self.candidates[i].prompt][:PAIR_POOL]
        pairs = sorted(((similarity(query, content_words(f"{self.candidates[i].text} {self.candidates[j].text}")), i, j)
                        for i in pool for j in pool
                        if i < j and self.candidates[i].item == self.candidates[j].item), reverse=True)
        if not pairs or pairs[0][0] < threshold or (len(pairs) > 1 and pairs[0][0] - pairs[1][0] < MARGIN):
            return None
        score, i, j = pairs[0]
        first, second = self.candidates[i], self.candidates[j]
        from rapidfuzz import fuzz

        if min(fuzz.token_set_ratio(query, content_words(c.text)) for c in (first, second)) < PAIR_COVER:
            return None
        return PairMatch(first, second, score)

    def scores(self, query: str) -> list[float]:
        """:func:`similarity` of the query with every candidate, both measures computed in C."""
        from rapidfuzz import fuzz, process

        out = [0.0] * len(self.choices)
        for scorer in (fuzz.ratio, fuzz.token_sort_ratio):  # extract_iter: every score, none sorted (15% less)
            for _, score, index in process.extract_iter(query, self.choices, scorer=scorer, processor=None):
                if score > out[index]:
                    out[index] = score
        return out

    def is_heading(self, text: str, *, strict: bool = False) -> bool:
        """Whether a paragraph reads like a hallmark or theme name (a heading in a cell).

        Strict: the same words as a name, in any order (a heading, whatever prompt it resembles). Loose,
        for paragraphs that match no prompt: a name's words within a short line ("Plan For Action –
        Prepare the Plan").
        """
        words = content_words(strip_marks(text).rstrip(":"))
        if not words or len(words.split()) > 8:
            return False
        from rapidfuzz import fuzz

        scorer = fuzz.token_sort_ratio if strict else fuzz.token_set_ratio
        return any(scorer(words, h) >= HEADING_SCORE for h in self.headings)


class _Overlap:
    """Rarity-weighted word overlap: the Dice coefficient of two sets of content words, each word weighted
    by its inverse document frequency over the framework's prompts (``1 + ln((N + 1) / (df + 1))``).

    "partnership" or "community", in dozens of prompts, weigh little; "liaison" or "LAA", in one or two,
    weigh much; a word no prompt has weighs most (it is the paragraph's own, and a prompt lacking it
    explains the paragraph less). Computed through an inverted index, so a query costs its words' postings.
    """

    def __init__(self, choices: list[str]) -> None:
        words = [set(c.split()) for c in choices]
        df: dict[str, int] = {}
        for ws in words:
            for w in ws:
                df[w] = df.get(w, 0) + 1
        self.size = len(choices)
        self.idf = {w: 1.0 + math.log((self.size + 1) / (n + 1)) for w, n in df.items()}
        self.unknown = 1.0 + math.log(self.size + 1)
        self.postings: dict[str, list[int]] = {}
        for i, ws in enumerate(words):
            for w in ws:
                self.postings.setdefault(w, []).append(i)
        self.weights = [sum(self.idf[w] for w in ws) for ws in words]

    def scores(self, query: str) -> dict[int, float]:
        """The overlap (0-100) with every candidate sharing a word with the query, by candidate index."""
        shared: dict[int, float] = {}
        words = set(query.split())
        for w in words:
            for i in self.postings.get(w, ()):
                shared[i] = shared.get(i, 0.0) + self.idf[w]
        own = sum(self.idf.get(w, self.unknown) for w in words)
        return {i: 200.0 * v / (own + self.weights[i]) for i, v in shared.items()}


def _heading_words(framework: Framework) -> tuple[str, ...]:
    """Hallmark names (item tags) and theme titles, whole and in parts ("ASSESS: Determining Priorities")."""
    names: set[str] = set()
    for item in framework.items:
        names.update(value for _, value in item.tags if len(value) > 3)  # not kind codes or refs (L1)
    for theme in framework.themes:
        names.add(theme.title)
        names.update(re.split(r"[:\-–]", theme.title))
    return tuple(sorted({content_words(n) for n in names} - {""}))
