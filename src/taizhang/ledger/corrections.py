"""Corrections: a person's fixes, applied to extracted pledges before they are merged into entries.

A correction of an outcome's match (``unmatch``: this outcome does not answer this entry;
``match``: this one does) names the entry by its first mention's anchor and the outcome by an
anchor of the same kind (a text's outcome: its source, span and figure; a person's: its id), so it
survives re-extraction as pledge corrections do.

A correction never points at a pledge row (ingest replaces those when the extractor changes);
it points at an :class:`Anchor`: the source's SHA-256, the span and quote, and the unit and value
the record was extracted with. After a re-extraction it applies to the record that matches the
anchor as the scorer matches gold (same source, overlapping span, same normalised unit and value
to 1e-6), so a fix survives as long as the extractor still finds that quantity there. A new
version of the file (re-scraped: new bytes, new offsets) takes the fixes of the words it still
holds: a record with the same quote and figure, and for an added record, its quote found again.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from taizhang.document import Outcome, Pledge
from taizhang.ledger import errors
from taizhang.ledger.errors import LedgerError
from taizhang.ledger.status import YEARS
from taizhang.ledger.units import normalise

ACTIONS = ("set", "reject", "add", "merge", "split", "match", "unmatch", "undo")
OUTCOME_ACTIONS = ("match", "unmatch")
KINDS = ("level", "growth", "annual_growth", "share")
COMPARATORS = (">", ">=", "=", "~", "<=", "<", "range")
# Fields a person may set, and how the text they type becomes a value.
EDITABLE: dict[str, type] = {
    "actor": str, "official": str, "metric": str, "kind": str, "comparator": str, "value": float,
    "value_high": float, "unit": str, "norm_value": float, "norm_unit": str, "deadline": int,
    "horizon": str, "hedge": str,
}  # fmt: skip
_OPTIONAL = {"actor", "official", "value_high", "deadline", "horizon", "hedge"}
_TYPE_NAMES = {float: "a number", int: "a year", str: "text"}


class CorrectionError(LedgerError):
    """A correction that cannot be made as asked (unknown field, bad value, span past the text)."""


@dataclass(frozen=True, slots=True)
class Anchor:
    """The extracted record a correction is about, by what stays true across re-extraction and
    across new versions of its file."""

    sha256: str
    start: int
    end: int
    quote: str
    norm_unit: str
    norm_value: float
    path: str | None = None  # the file whose versions the source is one of (None: recorded before 0.2)
    outcome: int | None = None  # a person's outcome (ledger_outcomes.id): then no source or span

    @classmethod
    def of(cls, sha256: str, pledge: Pledge | Outcome, path: str | None = None) -> Anchor:
        return cls(sha256, pledge.start, pledge.end, pledge.quote, pledge.norm_unit, pledge.norm_value, path)

    def matches(self, mention: Mention) -> bool:
        """Whether ``mention`` is the record this anchor names: in the same source, a record over
        the same span with the same figure; in a later version of the same file, a record of the
        same words with the same figure, wherever an edit above it moved them."""
        return self.matches_record(mention.sha256, mention.path, mention.original)

    def matches_record(self, sha256: str, path: str | None, record: Pledge | Outcome) -> bool:
        """:meth:`matches` for any record read from a source (a pledge or an outcome)."""
        if self.outcome is not None:
            return False
        if record.norm_unit != self.norm_unit or not _close(record.norm_value, self.norm_value):
            return False
        if sha256 == self.sha256:
            return record.start < self.end and self.start < record.end
        return self.path is not None and path == self.path and record.quote == self.quote

    def to_dict(self) -> dict[str, Any]:
        record = {name: getattr(self, name) for name in self.__slots__}
        if record["outcome"] is None:
            del record["outcome"]  # a pledge's anchor reads as before outcomes could be anchored
        return record

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Anchor:
        return cls(
            str(data["sha256"]), int(data["start"]), int(data["end"]), str(data["quote"]), str(data["norm_unit"]),
            float(data["norm_value"]), str(data["path"]) if data.get("path") is not None else None,
            int(data["outcome"]) if data.get("outcome") is not None else None,
        )  # fmt: skip


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b), 1e-12)


@dataclass(slots=True)
class Correction:
    action: str
    anchor: Anchor
    author: str
    created_at: datetime
    field: str | None = None
    before: Any = None
    after: Any = None  # set: the new value; add: the new record's fields
    other: Anchor | None = None  # merge: a record of the entry merged with
    note: str | None = None
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "action": self.action, "anchor": self.anchor.to_dict(), "field": self.field, "before": self.before,
            "after": self.after, "other": self.other.to_dict() if self.other else None, "author": self.author,
            "created_at": self.created_at.isoformat(), "note": self.note,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Correction:
        """A correction from its exported form, checked as if a person had just made it."""
        try:
            action = data["action"]
            if action not in ACTIONS:
                raise CorrectionError(errors.UNKNOWN_ACTION.format(action=action, actions=", ".join(ACTIONS)))
            correction = cls(
                action=action, anchor=Anchor.from_dict(data["anchor"]), author=str(data["author"]),
                created_at=datetime.fromisoformat(data["created_at"]), field=data.get("field"),
                before=data.get("before"), after=data.get("after"),
                other=Anchor.from_dict(data["other"]) if data.get("other") else None, note=data.get("note"),
            )  # fmt: skip
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise CorrectionError(errors.NOT_A_CORRECTION.format(error=error)) from None
        correction.check()
        return correction

    def check(self) -> None:
        """Refuse what no command could have recorded (a NaN value, an unknown unit, a year 99999)."""
        if not (math.isfinite(self.anchor.norm_value) and self.anchor.start < self.anchor.end):
            raise CorrectionError(errors.NOT_A_CORRECTION.format(error="an anchor needs a finite value and a span"))
        if self.action == "set":
            parse_field(str(self.field), _typed(self.after))
        elif self.action == "add":
            if not isinstance(self.after, dict):
                raise CorrectionError(errors.NOT_A_CORRECTION.format(error="an added pledge needs its fields"))
            range_check({name: parse_field(name, _typed(value)) for name, value in self.after.items()})
        elif self.action in ("merge", *OUTCOME_ACTIONS) and self.other is None:
            raise CorrectionError(errors.NOT_A_CORRECTION.format(error=f"a {self.action} needs the other record"))
        elif self.action == "undo" and not isinstance(self.before, dict):
            raise CorrectionError(errors.NOT_A_CORRECTION.format(error="an undo needs the correction it undoes"))

    def identity(self) -> str:
        """What makes two corrections the same fix, whoever recorded it and whenever."""
        return json.dumps([self.action, self.anchor.to_dict(), self.field, self.after, self.other.to_dict() if self.other else None], sort_keys=True, ensure_ascii=False)  # fmt: skip

    def trail_key(self) -> str:
        """This very record of the audit trail: what an undo names, stable across export and import."""
        return _key(self.to_dict())


def _key(record: dict[str, Any]) -> str:
    record = {name: value for name, value in record.items() if name != "id"}
    # PostgreSQL hands times back in the session's zone: the same moment must give the same key.
    record["created_at"] = datetime.fromisoformat(record["created_at"]).astimezone(UTC).isoformat()
    return json.dumps(record, sort_keys=True, ensure_ascii=False)


def undone(corrections: list[Correction]) -> set[str]:
    """The trail keys of the corrections an undo in ``corrections`` took back."""
    return {_key(c.before) for c in corrections if c.action == "undo"}


def _typed(value: Any) -> str | None:
    """A stored value as the text a person would type for it (2027.0 from a JSON file is the year 2027)."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_field(name: str, text: str | None) -> Any:
    """The value a person typed for field ``name``, typed and checked; empty text clears optional fields."""
    if name not in EDITABLE:
        raise CorrectionError(errors.NOT_EDITABLE.format(name=name, fields=", ".join(EDITABLE)))
    if text is None or text.strip() == "":
        if name in _OPTIONAL:
            return None
        raise CorrectionError(errors.EMPTY_FIELD.format(name=name))
    kind = EDITABLE[name]
    try:
        value = kind(text.strip())
    except ValueError:
        raise CorrectionError(errors.BAD_TYPE.format(name=name, type=_TYPE_NAMES[kind], text=text)) from None
    if kind is float and not math.isfinite(value):
        raise CorrectionError(errors.NOT_FINITE.format(name=name, text=text))
    if kind is int and value not in YEARS:
        raise CorrectionError(errors.BAD_YEAR.format(name=name, value=value, low=YEARS.start, high=YEARS.stop - 1))
    if name == "unit" and normalise(1.0, value) is None:
        raise CorrectionError(errors.UNKNOWN_UNIT.format(unit=value))
    if name == "kind" and value not in KINDS:
        raise CorrectionError(errors.NOT_ONE_OF.format(name=name, allowed=", ".join(KINDS), value=value))
    if name == "comparator" and value not in COMPARATORS:
        raise CorrectionError(errors.NOT_ONE_OF.format(name=name, allowed=" ".join(COMPARATORS), value=value))
    return value


def finite_amount(value: float | None, unit: str | None) -> None:
    """Refuse an amount whose value in base units is not a finite number (1e305 亿元 is 1e313 CNY)."""
    if value is None or unit is None:
        return
    normal = normalise(value, unit)
    if normal is not None and not math.isfinite(normal[0]):
        raise CorrectionError(errors.AMOUNT_TOO_LARGE.format(value=value, unit=unit, norm=normal[1]))


def amount_check(name: str, value: Any, fields: dict[str, Any]) -> None:
    """Check that setting ``name`` to ``value`` leaves an amount that normalises (see :func:`finite_amount`)."""
    if name in ("value", "value_high"):
        finite_amount(value, fields.get("unit"))
    elif name == "unit":
        finite_amount(fields.get("value"), value)
        finite_amount(fields.get("value_high"), value)


def range_check(values: dict[str, Any]) -> None:
    """Refuse a range without its upper end, and an upper end below the value."""
    if values.get("comparator") == "range" and values.get("value_high") is None:
        raise CorrectionError(errors.RANGE_NEEDS_HIGH)
    high, value = values.get("value_high"), values.get("value")
    if high is not None and value is not None and high < value:
        raise CorrectionError(errors.RANGE_BACKWARDS.format(high=high, value=value))


def new_pledge(source: str, text: str, start: int, end: int, fields: dict[str, Any]) -> Pledge:
    """A pledge a person adds from ``text[start:end]``; norm_value and norm_unit follow from value and unit."""
    if not 0 <= start < end <= len(text):
        raise CorrectionError(errors.BAD_SPAN.format(start=start, end=end, chars=len(text)))
    for required in ("metric", "kind", "comparator", "value", "unit"):
        if fields.get(required) is None:
            raise CorrectionError(errors.NEEDS_FIELD.format(name=required))
    values = {name: parse_field(name, _typed(value)) for name, value in fields.items()}
    range_check(values)
    amount_check("unit", values["unit"], values)
    normal = normalise(values["value"], values["unit"])  # the unit is known: parse_field checked it
    values.setdefault("norm_value", normal[0])
    values.setdefault("norm_unit", normal[1])
    return Pledge(source=source, start=start, end=end, quote=text[start:end], **values)


@dataclass(slots=True)
class Mention:
    """One record of one source as the ledger uses it: corrected, with the record as extracted."""

    pledge: Pledge
    original: Pledge
    sha256: str
    order: int  # the source's place in the ledger (build.source_ranks): mentions sort by source, then offset
    source_year: int | None = None
    corrected: list[str] = field(default_factory=list)
    path: str | None = None  # the source's file: what its versions share


@dataclass(slots=True)
class Applied:
    mentions: list[Mention]
    merges: list[tuple[Anchor, Anchor]]
    splits: list[Anchor]
    unapplied: list[Correction]  # whose record is gone (re-extraction no longer finds it)
    invalid: list[tuple[Correction, str]] = field(default_factory=list)  # stored before it was checked; undo them
    outcome_links: list[Correction] = field(default_factory=list)  # match / unmatch, in force, in order


@dataclass(frozen=True, slots=True)
class SourceRef:
    name: str
    order: int
    year: int | None
    text: str
    path: str | None = None


def apply(mentions: list[Mention], corrections: list[Correction], sources: dict[str, SourceRef]) -> Applied:
    """Mentions with every correction applied in the order they were made."""
    kept = list(mentions)
    merges: list[tuple[Anchor, Anchor]] = []
    splits: list[Anchor] = []
    unapplied: list[Correction] = []
    invalid: list[tuple[Correction, str]] = []
    links: list[Correction] = []
    taken_back = undone(corrections)
    for correction in corrections:
        if correction.action == "undo" or correction.trail_key() in taken_back:
            continue
        try:
            correction.check()
        except CorrectionError as error:
            invalid.append((correction, str(error)))
            continue
        if correction.action == "add":
            found = _locate(correction.anchor, sources)
            if found is None:
                unapplied.append(correction)
                continue
            sha256, source, start = found
            end = start + correction.anchor.end - correction.anchor.start
            pledge = new_pledge(source.name, source.text, start, end, correction.after)
            kept.append(Mention(pledge, replace(pledge), sha256, source.order, source.year, ["added"], source.path))
            continue
        targets = [m for m in kept if correction.anchor.matches(m)]
        if not targets or (correction.action == "merge" and not any(correction.other.matches(m) for m in kept)):
            unapplied.append(correction)
        elif correction.action in OUTCOME_ACTIONS:
            links.append(correction)  # applied when outcomes are matched (its outcome may be gone: see build)
        elif correction.action == "reject":
            kept = [m for m in kept if m not in targets]
        elif correction.action == "merge":
            merges.append((correction.anchor, correction.other))
        elif correction.action == "split":
            # A split takes its mention out of whatever an earlier merge joined it to.
            merges = [(a, b) for a, b in merges if not any(a.matches(m) or b.matches(m) for m in targets)]
            splits.append(correction.anchor)
        else:
            for mention in targets:
                _set(mention, correction.field, correction.after)
    return Applied(kept, merges, splits, unapplied, invalid, links)


def _locate(anchor: Anchor, sources: dict[str, SourceRef]) -> tuple[str, SourceRef, int] | None:
    """Where an added record's words stand: in its own source, or in a later version of its file
    at the occurrence of its quote nearest where it was (None when the words are gone)."""
    if anchor.sha256 in sources:
        return anchor.sha256, sources[anchor.sha256], anchor.start
    for sha256, source in sources.items():
        if anchor.path is not None and source.path == anchor.path:
            starts = [m.start() for m in re.finditer(re.escape(anchor.quote), source.text)]
            if starts:
                return sha256, source, min(starts, key=lambda at: abs(at - anchor.start))
    return None


def _set(mention: Mention, name: str, value: Any) -> None:
    if mention.pledge is mention.original:  # the record as extracted stays as it was
        mention.pledge = replace(mention.original, mentions=list(mention.original.mentions))
    setattr(mention.pledge, name, value)
    if name not in mention.corrected:
        mention.corrected.append(name)
    # A corrected amount or unit carries its normal form along unless a person set that too.
    if name in ("value", "value_high", "unit") and not {"norm_value", "norm_unit"} & set(mention.corrected):
        pledge = mention.pledge
        normal = normalise(pledge.value, pledge.unit)
        if normal is not None and math.isfinite(normal[0]):  # recorded before amounts were checked: left as it was
            pledge.norm_value, pledge.norm_unit = normal
