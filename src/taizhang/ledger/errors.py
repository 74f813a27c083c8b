"""The ledger's errors and the messages a user sees (one line each, no traceback)."""

from __future__ import annotations

from taizhang.errors import TaizhangError
from taizhang.places import candidates, describe


class LedgerError(TaizhangError):
    """A ledger request that cannot be done as asked: an unknown entry, a bad file, a bad value."""


class BatchError(LedgerError):
    """A file with bad rows: every problem (one line each), then what was done about the file."""

    def __init__(self, problems: list[str], summary: str) -> None:
        super().__init__("\n".join([*problems, summary]))
        self.problems = problems
        self.summary = summary


NO_ENTRY = "no ledger entry {ref} (see: taizhang ledger)"
ENTRY_GONE = (
    "ledger entry {ref} is no longer in the ledger: rejected, merged into another entry, or its "
    "words are gone from a new version of its source (see: taizhang correct list)"
)
NO_MENTION = "entry {entry} has no mention {mention} (it has {count}; see: taizhang entry {entry})"
NO_SOURCE = "no source {ref!r} (see: taizhang sources)"
NO_SOURCE_NAMED = "no source named {name!r} is stored{close} (a file name, as taizhang sources lists them)"
NO_PLEDGES_OF = "{source} has no pledges of {actor!r} in any year (its pledges are of: {actors})"
NO_FILE = "{path}: no such file"
BAD_SUFFIX = "{path}: expected a .csv, .xlsx or .json file"
MISSING_COLUMNS = "{path}: missing column(s) {columns} (need {need})"
BAD_ROW = "{path}:{row}: {problem}"
BAD_CELL = "{path}:{row}:{column}: {problem}"
NOTHING_IMPORTED = "{path}: {count} bad row(s), nothing imported"
CANNOT_READ = "cannot read {path}: {reason}"
NO_KEY = "no entry has its key now: rejected, merged, split or re-read"
QUOTE_CHANGED = (
    "its quote or its number of mentions differs from the ledger's: a new version of a source, or an "
    "edit to what comes from the sources"
)
STALE_ROWS = (
    "{path}: {count} row(s) not imported ({why}): rows {rows}; export again and make those edits there"
)
READ_ONLY_COLUMN = "{path}: column {column} differs from the ledger in {count} row(s) ({rows}): {why}; not imported"
UNKNOWN_UNIT = "unknown unit {unit!r} (units as in pledges: 亿元, 万人, %, 个 …)"
BAD_CORRECTIONS = "{path}: not a corrections export ({problem})"
SAME_ENTRY = "entries {a} and {b} are the same entry"
UNKNOWN_STATUS = "unknown status {status!r} (one of {statuses})"
NOT_JSON = "{path}: not JSON ({error})"
NOT_A_LIST = "{path}: expected a JSON list of objects"
BAD_XLSX = "{path}: not a readable .xlsx file ({error})"
# Corrections
UNKNOWN_ACTION = "unknown correction action {action!r} (one of {actions})"
NOT_A_CORRECTION = "not a correction record: {error!r}"
NOT_EDITABLE = "no field {name!r} can be corrected (fields: {fields})"
EMPTY_FIELD = "{name} cannot be empty"
BAD_TYPE = "{name} must be {type}, not {text!r}"
NOT_FINITE = "{name} must be a finite number, not {text!r}"
AMOUNT_TOO_LARGE = "{value:g} {unit} is too large: it is no finite number of {norm}"
BAD_YEAR = "{name} must be a year from {low} to {high}, not {value}"
RANGE_NEEDS_HIGH = "a range needs its upper end (value_high)"
RANGE_BACKWARDS = "the upper end {high:g} is below the value {value:g} (value_high is the larger end of a range)"
NOT_UNDOABLE = "correction #{id} is an undo: make the correction again instead"
ALREADY_UNDONE = "correction #{id} is already undone"
NO_CORRECTION = "no correction #{id} (see: taizhang correct list)"
ONE_MENTION = "entry {entry} has one mention: nothing to split off"
UNKNOWN_PLACE = "unknown place {name!r} (see: taizhang place NAME)"
AMBIGUOUS_PLACE = "ambiguous place {name!r}: {candidates} (give the code or the full name)"
NO_ACTOR = "unknown place {name!r} and no entry has that actor (see: taizhang place NAME)"
NOT_ONE_OF = "{name} must be one of {allowed}, not {value!r}"
BAD_SPAN = "span [{start}, {end}) is not inside the {chars:,}-character text"
# Outcomes and their matches
NO_OUTCOME = (
    "no outcome {ref!r} (refs as `taizhang outcome list` and `taizhang entry ID` show them: t12 read from a text, "
    "p3 recorded by a person)"
)
UNPLACED_OUTCOME = (
    "outcome {ref} could not be placed ({reason}): it can answer no entry; record the result with `taizhang outcome add`"
)
NOT_A_CANDIDATE = "outcome {ref} is not among the outcomes of entry {entry} (see: taizhang entry {entry})"
NEEDS_FIELD = "a pledge needs {name}"
BAD_PAGE = "page token {token!r} is not one this ledger gave (follow the next link of a page)"


def unknown_place(name: str, unknown: str) -> str:
    """Why ``name`` is no place: the candidates when it names several, else ``unknown``."""
    found = candidates(name)
    if len(found) > 1:
        listed = ", ".join(f"{p.code} {describe(p)}" for p in found)
        return AMBIGUOUS_PLACE.format(name=name, candidates=listed)
    return unknown.format(name=name)
