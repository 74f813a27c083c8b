"""Judging entries by their outcomes: matching (``matching``), a person's match corrections, and the
status rules (``status``) put together, for a build and for a what-if read of stored entries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from taizhang.document import Outcome as TextOutcome
from taizhang.ledger.corrections import Correction
from taizhang.ledger.directions import direction
from taizhang.ledger.figures import figure_words
from taizhang.ledger.matching import CHOSEN, CONFLICT, INCOMPARABLE, Candidate, Index, Matched, Wanted, match
from taizhang.ledger.merge import Entry, place_key
from taizhang.ledger.status import Result, Rules, Target, Verdict, judge

# The states of a stored match that a what-if judges again: what the status rests on, and what
# makes a due entry 无法核实 rather than 待核实.
JUDGED_STATES = (CHOSEN, CONFLICT, INCOMPARABLE)


@dataclass(slots=True)
class Judged:
    """One entry's outcomes and status."""

    matched: Matched
    verdict: Verdict

    def outcome_values(self) -> tuple:
        """The entry's values of ``OUTCOME_COLUMNS``: the outcome its status rests on (all None when none)."""
        judged = self.matched.judged
        if not judged:
            return NO_OUTCOME
        c = judged[0]
        return (
            int(c.ref[1:]) if c.by_person else None, c.ref, c.value, c.unit, c.period, c.source, c.quote, c.start, c.end,
        )  # fmt: skip

    def match_rows(self) -> Iterable[tuple]:
        """Rows of ``ledger_outcome_matches`` without their ids (the values of ``MATCH_COLUMNS``
        after its id and the entry's), in the order of their rank."""
        for rank, considered in enumerate(self.matched.considered, start=1):
            c = considered.candidate
            yield (
                rank, considered.state, c.ref, c.source, c.quote, c.start, c.end, c.actor,
                c.metric, c.kind, c.value, c.unit, c.norm_value, c.norm_unit, c.period, c.last_year, c.basis,
                considered.reason,
            )  # fmt: skip


# An entry's columns for the outcome its status rests on, and the columns of an outcome match row.
OUTCOME_COLUMNS = (
    "outcome_id", "outcome_ref", "outcome_value", "outcome_unit", "outcome_period", "outcome_source", "outcome_quote",
    "outcome_start", "outcome_end",
)  # fmt: skip
NO_OUTCOME = (None,) * len(OUTCOME_COLUMNS)  # an entry whose status rests on no outcome
MATCH_COLUMNS = (
    "id", "entry_id", "rank", "state", "ref", "source", "quote", "start", "end", "actor", "metric", "kind", "value",
    "unit", "norm_value", "norm_unit", "period", "year", "basis", "reason",
)  # fmt: skip


class OutcomeJudge:
    """Judges the entries of one build: each matched against every outcome, with the match
    corrections in force (``links``: match / unmatch, oldest first; the latest word on a pair wins).
    ``unapplied``: those whose outcome is gone."""

    def __init__(
        self,
        index: Index,
        texts: dict[str, tuple[str, str | None, TextOutcome]],
        links: list[Correction],
        entries: list[Entry],
        rules: Rules = Rules(),
    ) -> None:
        self.index = index
        self.rules = rules
        self.unapplied: list[Correction] = []
        by_ref = {c.ref: c for c in index.candidates}
        # (entry position, outcome ref) → the latest word of a person on the pair.
        self._said: dict[tuple[int, str], tuple[str, str]] = {}
        for link in links:
            refs = _refs(link, texts, by_ref)
            if not refs:
                self.unapplied.append(link)
                continue
            positions = [i for i, entry in enumerate(entries) if any(link.anchor.matches(m) for m in entry.mentions)]
            why = f"{'人工指定 attached' if link.action == 'match' else '人工否决 rejected'} by {link.author}" + (
                f"：{link.note}" if link.note else ""
            )
            for position in positions:
                for ref in refs:
                    self._said[(position, ref)] = (link.action, why)
        self._judged: dict[tuple[int | None, date], Judged] = {}  # (deadline, as of) → an unanswered entry's
        self._attached: dict[int, list[tuple[Candidate, str]]] = {}
        self._rejected: dict[int, dict[str, str]] = {}
        for (position, ref), (action, why) in self._said.items():
            if action == "match":
                self._attached.setdefault(position, []).append((by_ref[ref], why))
            else:
                self._rejected.setdefault(position, {})[ref] = why

    def judge(self, position: int, entry: Entry, as_of: date) -> Judged:
        """``entry``'s outcomes and status as of ``as_of`` (``position``: its place in the build).
        An entry no outcome bears on is given a ``Judged`` shared by all of its deadline: not to
        be changed."""
        first = entry.mentions[0]
        pledge = first.pledge
        attached = self._attached.get(position)
        if not self.index and not attached:  # no outcome at all (a ledger of pledges alone): nothing to match
            return self._unanswered(pledge.deadline, as_of)
        wanted = Wanted(
            place_key(entry.place, pledge.actor), entry.metric_key, pledge.kind, pledge.norm_unit, pledge.deadline,
            first.source_year, f"{pledge.metric} {pledge.quote}",
        )  # fmt: skip
        rejected = self._rejected.get(position, {})
        matched = match(wanted, self.index, rejected=lambda c: rejected.get(c.ref), attached=attached or [])
        if not matched.considered:  # most entries of a big ledger: the verdict rests on the deadline alone
            return self._unanswered(pledge.deadline, as_of)
        target = target_of(pledge.kind, pledge.comparator, pledge.value, pledge.value_high, pledge.unit,
                           pledge.norm_value, entry.norm_value_high, pledge.norm_unit, pledge.deadline, pledge.metric)  # fmt: skip
        results = [result_of(c, pledge.kind) for c in matched.judged]
        incomparable = [c.norm_unit if c.norm_unit != pledge.norm_unit else str(c.kind) for c in matched.incomparable]
        return Judged(matched, judge(target, results, as_of, self.rules, incomparable=incomparable))


    def _unanswered(self, deadline: int | None, as_of: date) -> Judged:
        """The outcomes and status of an entry no outcome bears on, one per deadline and day."""
        judged = self._judged.get((deadline, as_of))
        if judged is None:
            judged = self._judged[(deadline, as_of)] = Judged(Matched(), _unanswered(deadline, as_of, self.rules))
        return judged


@lru_cache(maxsize=1024)
def _unanswered(deadline: int | None, as_of: date, rules: Rules) -> Verdict:
    """The verdict on a target no outcome bears on: it depends on its deadline alone (see ``status.judge``)."""
    return judge(Target("=", 0.0, "", deadline), [], as_of, rules)


def _refs(link: Correction, texts: dict[str, tuple[str, str | None, TextOutcome]], by_ref: dict[str, Candidate]) -> list[str]:
    """The refs of the outcome a match correction names, as matching knows them (none: it is gone,
    or it could not be placed)."""
    other = link.other
    if other is None:
        return []
    if other.outcome is not None:
        ref = f"p{other.outcome}"
        return [ref] if ref in by_ref else []
    return [ref for ref, (sha256, path, outcome) in texts.items() if ref in by_ref and other.matches_record(sha256, path, outcome)]


def target_of(
    kind: str, comparator: str, value: float, value_high: float | None, unit: str, norm_value: float,
    norm_value_high: float | None, norm_unit: str, deadline: int | None, metric: str,
) -> Target:  # fmt: skip
    """An entry's target as the status rules take it, with its words (增长5.5%左右)."""
    return Target(
        comparator, norm_value, norm_unit, deadline, norm_value_high, direction(metric),
        figure_words(kind, comparator, value, value_high, unit),
    )  # fmt: skip


def result_of(candidate: Candidate, kind: str) -> Result:
    """An outcome as the status rules take it; a person's, stating no kind, reads as the entry's."""
    words = figure_words(candidate.kind or kind, None, candidate.value, None, candidate.unit)
    return Result(candidate.ref, candidate.last_year, candidate.norm_value, candidate.norm_unit, words, candidate.source)


def rejudge(row: Any, matches: list[Any], as_of: date, rules: Rules) -> Verdict:
    """A stored entry (an ``EntryRow`` or a row with its judged columns) judged again on another day
    or by other rules, from its stored matches (rows of ``ledger_outcome_matches``)."""
    target = target_of(row.kind, row.comparator, row.value, row.value_high, row.unit, row.norm_value,
                       row.norm_value_high, row.norm_unit, row.deadline, row.metric)  # fmt: skip
    results, incomparable = [], []
    for m in matches:
        if m.state == INCOMPARABLE:
            incomparable.append(m.norm_unit if m.norm_unit != row.norm_unit else str(m.kind))
        elif m.state in (CHOSEN, CONFLICT):
            words = figure_words(m.kind or row.kind, None, m.value, None, m.unit)
            results.append(Result(m.ref, m.year, m.norm_value, m.norm_unit, words, m.source))
    return judge(target, results, as_of, rules, incomparable=incomparable)
