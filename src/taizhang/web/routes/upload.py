"""Upload of new documents: the same rules and errors as ``taizhang ingest``, run in the background
with its progress shown file by file; the ledger is rebuilt when the batch ends."""

from __future__ import annotations

import fcntl
import os
import re
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, File, HTTPException, Path, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse

from taizhang.errors import SourceError
from taizhang.ingest import Ingested, ingest
from taizhang.ledger import Ledger
from taizhang.web.actions import Token, allowed
from taizhang.web.common import page
from taizhang.web.models import UploadFileOut, UploadJobOut

router = APIRouter(tags=["upload"])
JobPath = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{8,64}$")]
_CHUNK = 1 << 20
_UNSAFE = re.compile(r"[\x00-\x1f/\\:*?\"<>|]")
_JOBS = ".jobs"
_LOCKS = ".locks"
_TAKEN = (
    "失败 failed: another file of this name is being ingested (from another upload, or twice in this one); "
    "its file would be replaced before it was read: send this one again when that is done"
)
_STATUS = {"new": "新增 new", "new version": "新版本 new version", "unchanged": "未变 unchanged (already stored)"}


@dataclass
class Job:
    """An upload being ingested; its progress is a file in the uploads folder, so that any server
    worker can answer the page that polls it."""

    id: str
    total: int
    folder: FilePath
    files: list[UploadFileOut] = field(default_factory=list)
    finished: bool = False
    summary: str = ""

    def out(self) -> UploadJobOut:
        return UploadJobOut(id=self.id, total=self.total, done=len(self.files), finished=self.finished, files=list(self.files), summary=self.summary)  # fmt: skip

    def save(self) -> None:
        path = self.folder / _JOBS / f"{self.id}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        written = path.with_suffix(".tmp")
        written.write_text(self.out().model_dump_json(), encoding="utf-8")
        written.replace(path)  # atomic: a reader never sees half a file


def _safe_name(name: str | None) -> str:
    """A file name as uploaded, without folders or characters a file system refuses."""
    bare = _UNSAFE.sub("_", FilePath((name or "").replace("\\", "/")).name).strip(". ")
    return bare or "upload.txt"


def _claim(folder: FilePath, name: str) -> int | None:
    """Hold the uploads folder's file ``name`` until the job ingesting it is done (the lock's file
    descriptor: close it to let go), or None when another upload holds it, in this server process
    or another: written now, it would replace that upload's file before its job read it."""
    locks = folder / _LOCKS
    locks.mkdir(exist_ok=True)
    held = os.open(locks / name, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(held)
        return None
    return held


def _run(job: Job, store, paths: list[FilePath], refused: list[UploadFileOut], max_bytes: int, held: list[int]) -> None:  # noqa: ANN001 - a Store
    try:
        _ingest(job, store, paths, refused, max_bytes)
    finally:
        for lock in held:
            os.close(lock)


def _ingest(job: Job, store, paths: list[FilePath], refused: list[UploadFileOut], max_bytes: int) -> None:  # noqa: ANN001 - a Store
    job.files.extend(refused)
    job.save()

    def failed(name: str, problem: SourceError) -> None:
        job.files.append(UploadFileOut(name=name, status="failed", message=f"失败 failed: {problem.reason}"))
        job.save()

    def on_file(path: FilePath, result: Ingested | SourceError) -> None:
        if isinstance(result, SourceError):
            failed(path.name, result)
            return
        found = "" if result.pledges is None else f" · 承诺 pledges {result.pledges}"
        warnings = "".join(f" · 警告 warning: {w}" for w in result.warnings)
        message = f"{_STATUS[result.stored.status]} #{result.stored.source.id}{found}{warnings}"
        job.files.append(UploadFileOut(name=path.name, status=result.stored.status, message=message, pledges=result.pledges))
        job.save()

    try:
        report = ingest(store, paths, max_bytes=max_bytes, on_file=on_file)
        named = {file.name for file in job.files}
        for problem in report.failed:  # those refused before reading (a type ingest does not take) come to no on_file
            if FilePath(problem.path).name not in named:
                failed(FilePath(problem.path).name, problem)
        Ledger(store).refresh()
        job.summary = (
            f"新增 new {report.count('new')} · 新版本 new version {report.count('new version')} · 未变 unchanged "
            f"{report.count('unchanged')} · 失败 failed {len(report.failed) + len(refused)} · 提取承诺 pledges extracted {report.pledges}"
        )  # fmt: skip
    except Exception as error:  # the batch must end with a message, never a silent stuck job
        job.summary = f"失败 failed: {error}"
    finally:
        job.finished = True
        job.save()


@router.post("/upload.json", response_model=UploadJobOut, summary="Upload documents to ingest (needs editor)")
@router.post("/upload", response_model=None, include_in_schema=False)
async def upload(request: Request, files: Annotated[list[UploadFile], File()], csrf_token: Token = None) -> UploadJobOut | RedirectResponse:  # fmt: skip
    allowed(request, csrf_token)
    state = request.app.state
    folder: FilePath = state.uploads
    folder.mkdir(parents=True, exist_ok=True)
    paths, refused, held = [], [], []
    try:
        for upload_file in files:
            name = _safe_name(upload_file.filename)
            target = folder / name
            lock = _claim(folder, name)
            if lock is None:
                refused.append(UploadFileOut(name=name, status="failed", message=_TAKEN))
                continue
            held.append(lock)
            size, too_big = 0, False
            with target.open("wb") as out:
                while chunk := await upload_file.read(_CHUNK):
                    size += len(chunk)
                    if size > state.max_bytes:
                        too_big = True
                        break
                    out.write(chunk)
            if too_big:
                target.unlink()
                refused.append(UploadFileOut(name=name, status="failed", message=f"失败 failed: over the {state.max_bytes:,}-byte limit (set --max-bytes or TAIZHANG_MAX_BYTES)"))  # fmt: skip
                continue
            paths.append(target)
        job = Job(secrets.token_urlsafe(12), total=len(files), folder=folder)
        job.save()
        threading.Thread(target=_run, args=(job, state.store, paths, refused, state.max_bytes, held), daemon=True).start()
    except BaseException:  # the job never started: its files are let go
        for lock in held:
            os.close(lock)
        raise
    if request.url.path.endswith(".json"):
        return job.out()
    return RedirectResponse(f"/upload/{job.id}", status_code=303)


def _job(request: Request, job_id: str) -> UploadJobOut:
    path = request.app.state.uploads / _JOBS / f"{job_id}.json"
    if not path.is_file():
        raise HTTPException(404, f"no upload {job_id}")
    return UploadJobOut.model_validate_json(path.read_text(encoding="utf-8"))


@router.get("/upload/{job_id}.json", response_model=UploadJobOut, summary="An upload's progress")
def job_json(request: Request, job_id: JobPath) -> UploadJobOut:
    return _job(request, job_id)


@router.get("/upload/{job_id}", response_class=HTMLResponse, include_in_schema=False)
def job_page(request: Request, job_id: JobPath) -> HTMLResponse:
    job = _job(request, job_id)
    template = "upload_progress.html" if request.headers.get("hx-request") else "upload.html"
    return page(request, template, {"job": job})


@router.get("/upload", response_class=HTMLResponse, include_in_schema=False)
def upload_page(request: Request) -> HTMLResponse:
    return page(request, "upload.html", {"job": None})
