"""An entry: its target, status and history, outcomes, every mention in its sentence, and the
corrections a logged-in editor makes to it (set a field, reject, merge, split)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import Field

from taizhang.ledger import Ledger
from taizhang.ledger.corrections import EDITABLE
from taizhang.storage import MAX_ID
from taizhang.web.actions import Note, Token, allowed, done, local
from taizhang.web.common import Blank, LedgerDep, Timer, page, text, words
from taizhang.web.models import ActionOut, CorrectionOut, EntryDetailOut, MentionOut, OutcomeOut, StatusChangeOut
from taizhang.web.routes.ledger import entry_out

router = APIRouter(tags=["entries"])
EntryPath = Annotated[int, Path(ge=1, le=MAX_ID, description="entry id")]
Mention = Annotated[Annotated[int, Field(ge=1, le=10_000)] | None, Blank, Form()]
Field = Annotated[Literal[tuple(EDITABLE)], Form()]  # type: ignore[valid-type]
Next = Annotated[words(500), Form()]


def entry_data(ledger: Ledger, entry_id: int) -> EntryDetailOut:
    timer = Timer()
    shown = ledger.entry_page(entry_id)
    return EntryDetailOut(
        entry=entry_out(shown["entry"]),
        mentions=[MentionOut(number=n, **{k: m[k] for k in MentionOut.model_fields if k != "number"}) for n, m in enumerate(shown["mentions"], 1)],
        outcomes=[OutcomeOut(**o) for o in shown["outcomes"]],
        history=[StatusChangeOut(**h) for h in shown["history"]],
        corrections=[
            CorrectionOut(id=c.id, action=c.action, field=c.field, before=c.before, after=c.after, author=c.author,
                          created_at=c.created_at, note=c.note, quote=c.anchor.quote)
            for c in shown["corrections"]
        ],
        query_ms=timer.ms,
    )  # fmt: skip


# An entry's views run on the event loop, as the ledger's quick views do (common.answer): one
# statement by primary key and indexes (ledger.entry_view). In-process CPU per entry page
# (bench/web_cpu.py --only "entry page", 20,000 entries, busy machine, back to back): SQLite 0.78
# ms on the loop against 0.91 ms in a worker thread; PostgreSQL 1.4-1.8 against 1.4-2.3 ms.
@router.get("/entries/{entry_id}.json", response_model=EntryDetailOut, summary="One entry with mentions, outcomes, history and corrections")
async def entry_json(ledger: LedgerDep, entry_id: EntryPath) -> EntryDetailOut:
    return entry_data(ledger, entry_id)


@router.get("/entries/{entry_id}", response_class=HTMLResponse, include_in_schema=False)
async def entry_page(request: Request, ledger: LedgerDep, entry_id: EntryPath) -> HTMLResponse:
    return page(request, "entry.html", {"data": entry_data(ledger, entry_id), "editable": list(EDITABLE)})


@router.post("/entries/{entry_id}/set.json", response_model=ActionOut, summary="Correct a field (needs editor)")
@router.post("/entries/{entry_id}/set", response_model=None, include_in_schema=False)
def set_field(
    request: Request, ledger: LedgerDep, entry_id: EntryPath, field: Field,
    value: Annotated[text(500), Form()] = "", mention: Mention = None, note: Note = None,
    csrf_token: Token = None, next: Next = None,
) -> ActionOut | RedirectResponse:  # fmt: skip
    user = allowed(request, csrf_token)
    ids = ledger.set_field(entry_id, field, value, author=user.name, mention=mention, note=note)
    return done(request, ledger, f"更正 corrections recorded: {len(ids)}", ids, local(next, f"/entries/{entry_id}"))


@router.post("/entries/{entry_id}/reject.json", response_model=ActionOut, summary="Reject an entry or one mention as not a pledge (needs editor)")
@router.post("/entries/{entry_id}/reject", response_model=None, include_in_schema=False)
def reject(request: Request, ledger: LedgerDep, entry_id: EntryPath, mention: Mention = None, note: Note = None, csrf_token: Token = None, next: Next = None) -> ActionOut | RedirectResponse:  # fmt: skip
    user = allowed(request, csrf_token)
    ids = ledger.reject(entry_id, author=user.name, mention=mention, note=note)
    return done(request, ledger, f"不是承诺 rejected: {len(ids)}", ids, local(next, "/ledger"))


@router.post("/entries/{entry_id}/merge.json", response_model=ActionOut, summary="Merge another entry into this one (needs editor)")
@router.post("/entries/{entry_id}/merge", response_model=None, include_in_schema=False)
def merge(request: Request, ledger: LedgerDep, entry_id: EntryPath, other: Annotated[int, Form(ge=1, le=MAX_ID)], note: Note = None, csrf_token: Token = None, next: Next = None) -> ActionOut | RedirectResponse:  # fmt: skip
    user = allowed(request, csrf_token)
    number = ledger.merge(entry_id, other, author=user.name, note=note)
    return done(request, ledger, "合并 merged", [number], local(next, f"/entries/{entry_id}"))


@router.post("/entries/{entry_id}/split.json", response_model=ActionOut, summary="Split a mention out into an entry of its own (needs editor)")
@router.post("/entries/{entry_id}/split", response_model=None, include_in_schema=False)
def split(request: Request, ledger: LedgerDep, entry_id: EntryPath, mention: Annotated[int, Form(ge=1, le=10_000)], note: Note = None, csrf_token: Token = None, next: Next = None) -> ActionOut | RedirectResponse:  # fmt: skip
    user = allowed(request, csrf_token)
    number = ledger.split(entry_id, mention, author=user.name, note=note)
    return done(request, ledger, "拆分 split", [number], local(next, f"/entries/{entry_id}"))


@router.post("/corrections/{correction_id}/undo.json", response_model=ActionOut, summary="Undo a correction (needs admin)")
@router.post("/corrections/{correction_id}/undo", response_model=None, include_in_schema=False)
def undo(request: Request, ledger: LedgerDep, correction_id: Annotated[int, Path(ge=1, le=MAX_ID)], note: Note = None, csrf_token: Token = None, next: Next = None) -> ActionOut | RedirectResponse:  # fmt: skip
    user = allowed(request, csrf_token, role="admin")
    number = ledger.undo(correction_id, author=user.name, note=note)
    return done(request, ledger, f"撤销 undone #{correction_id}", [number], local(next, "/ledger"))
