"""Cells a spreadsheet shows as text, with an exact way back (OWASP's guidance on CSV injection).

Excel and LibreOffice run a cell that begins with ``=``, ``+``, ``-`` or ``@`` (a tab or carriage
return before one is skipped) as a formula: ``=cmd|' /C calc'!A0`` starts a program,
``=HYPERLINK(…)`` sends data away. Text from sources and from people reaches export cells, so a
CSV text cell that begins with one of these characters is written with a leading apostrophe,
which both programs read as "this cell is text". So that reading back is exact, a text made of
apostrophes before such a character gets one more as well, and reading strips exactly one. In an
Excel workbook a text cell is stored as text (never as a formula) and marked quote-prefixed, so
editing it there does not turn it into one either.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def needs_quote(text: str) -> bool:
    """Whether a spreadsheet could take ``text`` (after any apostrophes) for a formula."""
    return text.lstrip("'").startswith(FORMULA_STARTS)


def to_csv_cell(value: Any) -> Any:
    """``value`` as a CSV cell no spreadsheet runs; numbers and other values pass as they are."""
    return "'" + value if isinstance(value, str) and needs_quote(value) else value


def from_csv_cell(value: Any) -> Any:
    """The value :func:`to_csv_cell` was given."""
    if isinstance(value, str) and value.startswith("'") and needs_quote(value[1:]):
        return value[1:]
    return value
