"""The JSON API's answers as Pydantic models, so the OpenAPI schema at /docs is exact."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

# A file ingested again with other bytes gets a new version; the ledger reads only the one its file holds now.
LATEST = "whether this is the version its file holds now (the one the ledger reads); false: an older version (旧 old)"


class EntryOut(BaseModel):
    entry_id: int
    status: str
    status_reason: str
    conflict: bool
    conflict_reason: str | None
    sources: list[str]
    mention_count: int
    source: str
    start: int
    end: int
    quote: str
    actor: str | None
    official: str | None
    metric: str
    kind: str
    comparator: str
    value: float
    value_high: float | None
    unit: str
    norm_value: float
    norm_unit: str
    deadline: int | None
    horizon: str | None
    hedge: str | None
    mentions: list[list[int]]
    confidence: float
    place_code: str | None
    place: str | None
    metric_key: str
    outcome: str | None
    key: str
    outcome_ref: str | None  # the outcome the status rests on (t12: read from a text; p3: a person's)
    outcome_value: float | None
    outcome_unit: str | None
    outcome_period: str | None
    outcome_source: str | None
    outcome_quote: str | None
    outcome_start: int | None
    outcome_end: int | None
    written: str  # the target as the text writes it: 超过 1500亿元
    url: str


class FacetValue(BaseModel):
    value: Any
    count: int
    url: str  # the ledger with this value chosen
    selected: bool


class LedgerOut(BaseModel):
    filters: dict[str, Any]
    count: int
    rows: list[EntryOut]
    next: str | None
    next_url: str | None
    facets: dict[str, list[FacetValue]]
    query_ms: float


class FacetsOut(BaseModel):
    filters: dict[str, Any]
    facets: dict[str, list[FacetValue]]
    query_ms: float


class MentionOut(BaseModel):
    number: int
    source: str
    source_id: int | None
    start: int
    end: int
    quote: str
    before: str
    after: str
    actor: str | None
    metric: str
    comparator: str
    value: float
    value_high: float | None
    unit: str
    deadline: int | None
    corrected: list[str]


class OutcomeOut(BaseModel):
    """An outcome bearing on an entry, with its state (chosen, agrees, conflict, …) and evidence."""

    ref: str
    state: str
    state_words: str
    source: str
    quote: str | None
    start: int | None
    end: int | None
    actor: str | None
    metric: str
    kind: str | None
    value: float
    unit: str
    norm_value: float
    norm_unit: str
    period: str
    basis: str | None
    reason: str


class StatusChangeOut(BaseModel):
    status: str
    reason: str
    as_of: date
    recorded_at: datetime


class CorrectionOut(BaseModel):
    id: int | None
    action: str
    field: str | None
    before: Any
    after: Any
    author: str
    created_at: datetime
    note: str | None
    quote: str


class EntryDetailOut(BaseModel):
    entry: EntryOut
    mentions: list[MentionOut]
    outcomes: list[OutcomeOut]
    history: list[StatusChangeOut]
    corrections: list[CorrectionOut]
    query_ms: float


class MarkOut(BaseModel):
    start: int
    end: int
    entry_id: int
    metric: str
    value: float
    unit: str
    corrected: list[str]


class ChangeOut(BaseModel):
    kind: str
    paragraphs: list[int]
    spans: list[list[int]]
    detail: str
    values: list[str]


class SectionOut(BaseModel):
    official: str | None
    region: str | None
    titles: list[str]
    paragraphs: list[str]


class SourceOut(BaseModel):
    id: int
    name: str
    title: str | None
    date: str | None
    encoding: str | None
    version: int
    latest: bool = Field(description=LATEST)
    chars: int
    text: str
    marks: list[MarkOut]
    changes: list[ChangeOut]
    problems: list[ChangeOut]
    sections: list[SectionOut]
    query_ms: float


class SourceListItem(BaseModel):
    id: int
    name: str
    title: str | None
    date: str | None
    chars: int
    version: int
    latest: bool = Field(description=LATEST)
    pledges: int


class PlaceOut(BaseModel):
    code: str
    name: str
    level: int
    parent: str | None
    note: str | None
    chain: list[str]


class CascadeLevel(BaseModel):
    role: str  # above | self | below
    place: PlaceOut
    entries: list[EntryOut]
    above_parent: bool  # a target higher than the nearest level above with one (层层加码)


class PlaceDetailOut(BaseModel):
    place: PlaceOut
    metric: str | None
    kind: str | None
    year: int | None
    metrics: list[str]
    kinds: list[str]
    years: list[int]
    levels: list[CascadeLevel]
    map: list[dict[str, Any]]  # {code, name, value} of the places on the map
    map_of: str  # the code whose children the map shows
    query_ms: float


class ChartsOut(BaseModel):
    by_year_status: list[dict[str, Any]]
    against_outcomes: list[dict[str, Any]]
    metric: str | None
    metrics: list[str]
    series: list[dict[str, Any]]
    query_ms: float


class ReviewOut(BaseModel):
    counts: dict[str, int]
    queues: dict[str, list[EntryOut]]
    query_ms: float


class ActionOut(BaseModel):
    ok: bool
    message: str
    ids: list[int] = []
    url: str | None = None


class UploadFileOut(BaseModel):
    name: str
    status: str  # new | new version | unchanged | failed
    message: str
    pledges: int | None = None


class UploadJobOut(BaseModel):
    id: str
    total: int
    done: int
    finished: bool
    files: list[UploadFileOut]
    summary: str
