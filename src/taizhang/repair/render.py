"""Show a :class:`Repair` as plain text, Markdown or JSON (what ``taizhang repair`` prints)."""

from __future__ import annotations

import json

from taizhang.repair.model import Change, Repair

FORMATS = ("text", "markdown", "json")


def _where(c: Change) -> str:
    return ", ".join(f"¶{i} [{s}:{e})" for i, (s, e) in zip(c.paragraphs, c.spans, strict=True))


def _heading(official: str | None, region: str | None, titles: list[str]) -> str:
    if official is None:
        return "(before the first speaker)"
    return f"{official} · {region or '?'} · {'、'.join(titles)}"


def render(result: Repair, format: str = "text") -> str:
    """``text``: the repaired article then one line per change and problem; ``markdown``: the
    same with a heading per speaker; ``json``: :meth:`Repair.to_dict`."""
    if format == "json":
        return json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    md = format == "markdown"
    out: list[str] = []
    for section in result.sections:
        if not section.paragraphs:
            continue
        head = _heading(section.official, section.region, section.titles)
        out.append(f"## {head}" if md else f"=== {head}")
        out.append("")
        for unit in section.paragraphs:
            out.append(unit.text)
            out.append("")
    for title, items in (("Changes", result.changes), ("Problems", result.problems)):
        out.append(f"## {title} ({len(items)})" if md else f"=== {title} ({len(items)})")
        out.append("")
        for c in items:
            line = f"{c.kind}: {c.detail} — {_where(c)}"
            out.append(f"- {line}" if md else line)
        out.append("")
    return "\n".join(out).rstrip() + "\n"
