"""Pure helpers the pages share: numbers as people write them, and a source's text cut into runs
at every pledge and repair boundary so each run can be marked and carries its offset."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jinja2 import BaseLoader, Environment
from markupsafe import Markup, escape

from taizhang.ledger.browse import Mark
from taizhang.ledger.figures import figure_words
from taizhang.repair import Change
from taizhang.web.i18n import Words


# A template's fixed words, ``{{ t('key') }}`` exactly (an expression around it is left alone).
_WORD = re.compile(r"\{\{ t\('([a-z_]+)'\) \}\}")


class WordedLoader(BaseLoader):
    """``loader``'s templates with their fixed words already written in one language: Jinja then
    writes them as text, not as a call and an escape each (a ledger page has 46: its template's
    rendering 0.18 → 0.10 ms). Each word is escaped as autoescaping would have escaped it, so the
    pages are the same; a key missing from the words is left for ``t`` to fail on as it did."""

    def __init__(self, loader: BaseLoader, words: Callable[[str], str | None]) -> None:
        self.loader, self.words = loader, words

    def get_source(self, environment: Environment, template: str) -> tuple[str, str | None, Callable[[], bool] | None]:
        source, filename, uptodate = self.loader.get_source(environment, template)
        autoescape = environment.autoescape(template) if callable(environment.autoescape) else environment.autoescape

        def written(match: re.Match) -> str:
            word = self.words(match[1])
            if word is None or any(mark in word for mark in ("{", "}", "%", "#")):  # none Jinja could read as its own
                return match[0]
            return str(escape(word)) if autoescape else word

        return _WORD.sub(written, source), filename, uptodate


def number(value: float | None) -> str:
    """A figure as written: 1500, 6.5, 0.25 (no trailing .0, no exponent below 10¹⁵)."""
    if value is None:
        return ""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}"


def written(row: dict[str, Any]) -> str:
    """A target as a reader says it, with its kind, as the command line's ledger shows it:
    超过1500亿元, 增长6–6.5%, 增长5.5%左右, 占比43%以上, 年均增长7%."""
    return figure_words(row.get("kind"), row.get("comparator"), row["value"], row.get("value_high"), row["unit"])


def normalised(row: Any) -> str:
    """The value the ledger compares, for a hover: = 150,000,000,000 CNY (``row``: a dict or a model)."""
    field = row.get if isinstance(row, dict) else lambda name: getattr(row, name, None)
    value = field("norm_value")
    if value is None:
        return ""
    shown = f"{value:,.0f}" if float(value).is_integer() and abs(value) < 1e18 else f"{value:,.6g}"
    return f"{field('comparator') or '='} {shown} {field('norm_unit') or ''}".strip()


def ledger_rows(rows: list[Any]) -> Callable[[Words], Markup]:
    """The ledger table's rows as HTML, every value escaped, written when the page's template
    calls it with its words (``t``: each status in the page's language); ``rows`` are stored
    entries as ``Ledger.page(shape=...)`` gives them (the table's columns by name: no export row
    is made per row for the page). Written here, not in the template: Jinja's work per
    expression, 50 rows × 15 values, was a fifth of a ledger page's server CPU (bench/web.py);
    this is a tenth of that. A value met before on the page (an actor, a status, a source) is
    escaped once. Each figure links to the sentences it came from (the entry's mentions)."""
    return lambda t: _ledger_rows(rows, t)


def _ledger_rows(rows: list[Any], t: Words) -> Markup:
    escaped: dict[Any, str] = {}
    statuses: dict[str, str] = {}

    def e(value: Any) -> str:
        try:
            return escaped[value]
        except KeyError:
            found = escaped[value] = str(escape(value))
            return found

    shown = []
    for row in rows:
        entry = int(row.id)
        link = f"/entries/{entry}"
        warn = f'<span class="warn" title="{e(row.conflict_reason)}">⚠</span>' if row.conflict else ""
        if row.place_code:
            actor = f'<a href="/places/{e(row.place_code)}">{e(row.actor or row.place)}</a>'
        else:
            actor = e(row.actor or "")
        target = figure_words(row.kind, row.comparator, row.value, row.value_high, row.unit)
        status = statuses.get(row.status) or statuses.setdefault(row.status, e(t.status(row.status)))
        shown.append(
            f'<tr class="status-{e(row.status)}" data-entry="{entry}">'
            f'<td><a href="{link}">{warn}{entry}</a></td>'
            f"<td>{actor}</td>"
            f'<td>{e(row.official or "")}</td>'
            f'<td><a href="{link}">{e(row.metric)}</a></td>'
            f'<td class="num"><a class="written" href="{link}#mentions" title="{e(normalised(row))}">{e(target)}</a></td>'
            f'<td>{e(row.deadline or "—")}</td>'
            f'<td><span class="status" title="{e(row.status_reason)}">{status}</span></td>'
            f'<td class="small">{", ".join(map(e, row.sources))}</td>'
            "</tr>\n"
        )  # fmt: skip
    return Markup("".join(shown))


@dataclass(slots=True)
class Run:
    start: int
    text: str
    entries: tuple[int, ...] = ()  # the ledger entries whose mention covers this run
    titles: tuple[str, ...] = ()


@dataclass(slots=True)
class Line:
    """One line (paragraph) of a source with its runs and what repair did to or found in it."""

    start: int
    end: int
    runs: list[Run]
    notes: list[tuple[str, str]] = field(default_factory=list)  # (change kind, why)

    @property
    def kinds(self) -> list[str]:
        return sorted({kind for kind, _ in self.notes})


def lines(text: str, marks: list[Mark], notes: list[Change], kept: frozenset[int] = frozenset()) -> list[Line]:
    """``text`` as its non-empty lines, each cut into runs at the marks' boundaries; a repair
    change or problem is noted on every line one of its spans touches. Of a group of duplicates,
    the copy the repaired article kept (a line holding an offset of ``kept``) is noted ``kept``, the others
    with the change's kind."""
    found: list[Line] = []
    position = 0
    for raw in text.split("\n"):
        start, end = position, position + len(raw)
        position = end + 1
        if not raw.strip():
            continue
        inside = [m for m in marks if m.start < end and start < m.end]
        cuts = sorted({start, end, *(max(start, m.start) for m in inside), *(min(end, m.end) for m in inside)})
        runs = []
        for a, b in zip(cuts, cuts[1:], strict=False):
            covering = [m for m in inside if m.start <= a and b <= m.end]
            runs.append(Run(
                a, text[a:b], tuple(dict.fromkeys(m.entry_id for m in covering)),
                tuple(f"#{m.entry_id} {m.metric} {number(m.value)}{m.unit}" for m in covering),
            ))  # fmt: skip
        line = Line(start, end, runs)
        kept_here = any(start <= at < end for at in kept)
        for change in notes:
            if any(a < end and start < b for a, b in change.spans):
                kind = "kept" if change.kind.startswith("remove_") and kept_here else change.kind
                line.notes.append((kind, change.detail))
        found.append(line)
    return found
