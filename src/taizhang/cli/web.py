"""Commands of the web dashboard: serve it, and add the people who may edit through it."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Annotated

import typer

from taizhang.cli.common import App, DbOption, app, err, fail, opened_store, shown, within
from taizhang.ledger import Ledger
from taizhang.source import max_bytes_from_env
from taizhang.storage.users import ROLES, UserError, add_user, users

user_app = App(
    help="用户 Users of the web dashboard: who may correct, review and upload.\n\nExample: taizhang user add 王芳 --role editor",
    no_args_is_help=True,
)
app.add_typer(user_app, name="user")


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option("--host", metavar="ADDRESS", help="Address to listen on (127.0.0.1: this machine only)")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", metavar="PORT", callback=within(1, 65535, "a port"), help="Port to listen on")] = 8000,
    uploads: Annotated[Path, typer.Option("--uploads", metavar="FOLDER", help="Folder where uploaded files are kept")] = Path("uploads"),
    refresh: Annotated[bool, typer.Option("--refresh/--no-refresh", help="Rebuild the ledger at start if its sources changed (--no-refresh: serve a ledger loaded in bulk as it is)")] = True,
    workers: Annotated[int, typer.Option("--workers", metavar="N", callback=within(1, 64, "a number of processes"), help="Server processes (one per core serves more readers at once; the login rate limit is counted per process)")] = 1,
) -> None:
    """网页 Serve the dashboard and its JSON API (OpenAPI at /docs). Anonymous visitors read; editing needs `taizhang user add`.

    Sessions are signed with $TAIZHANG_SECRET (set it to keep sessions across restarts).

    Example: taizhang serve --db taizhang.db --port 8000
    """
    import uvicorn

    from taizhang.web import create_app, serving
    from taizhang.web.app import settle

    with opened_store(db, must_exist=True) as store:
        url = store.url
        if problem := serving.cannot_listen(host, port):  # before a refresh that may take minutes
            fail(f"cannot listen on {host}:{port}: {problem}")
        if refresh:
            with Ledger(store) as ledger:
                ledger.refresh()
    err.print(f"台账 dashboard: http://{host}:{port}/ledger · API: http://{host}:{port}/docs", highlight=False)
    if workers > 1:  # each process builds the app from the environment; they share one secret
        os.environ.update(TAIZHANG_DB=url, TAIZHANG_UPLOADS=str(uploads.resolve()), TAIZHANG_SECRET=os.environ.get("TAIZHANG_SECRET") or secrets.token_urlsafe(32))  # fmt: skip
        if not serving.spreads_connections():
            uvicorn.run(serving.APP, factory=True, workers=workers, host=host, port=port, log_level="warning", access_log=False)
            return
        raise typer.Exit(serving.serve_processes(host, port, workers))
    application = create_app(url, uploads=uploads, refresh=False, max_bytes=max_bytes_from_env())
    settle(application)
    uvicorn.run(application, host=host, port=port, log_level="warning", access_log=False)


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(metavar="NAME", help="The user's name, as the audit trail will show it")],
    role: Annotated[str, typer.Option("--role", metavar="ROLE", help=f"{' or '.join(ROLES)}: editors correct, review and upload; admins may also undo corrections")] = "editor",
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input instead of asking")] = False,
    db: DbOption = None,
) -> None:
    """添加用户 Add a user who may log in to the dashboard (the password is stored as an Argon2 hash).

    Example: taizhang user add 王芳 --role editor
    """
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("密码 password", hide_input=True, confirmation_prompt=True)
    with opened_store(db) as store:
        try:
            added = add_user(store, name, password, role)
        except UserError as error:
            fail(str(error))
    err.print(f"用户 user {shown(added.name)} added ({added.role})", highlight=False)


@user_app.command("list")
def user_list(db: DbOption = None) -> None:
    """用户列表 List the dashboard's users and their roles.

    Example: taizhang user list
    """
    with opened_store(db, must_exist=True) as store:
        for user in users(store):
            typer.echo(f"{shown(user.name)}\t{user.role}")
