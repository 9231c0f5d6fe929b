"""``duban user add|passwd|disable|purge-sessions`` and ``duban serve``."""

from __future__ import annotations

import datetime as dt
import getpass
from typing import Annotated

import typer

from duban.cli.ledger import actor, die, open_store, writing
from duban.models.base import utcnow
from duban.services import sessions, users

WORKER_HEALTHCHECK_SECONDS = 60
"""How long ``serve --workers N`` gives a worker to answer uvicorn's health check. uvicorn's
default, 5 s, kills a worker still importing the application (a spawned worker imports the whole
command line first: 8.5 s was seen on a loaded machine) and starts another, which fares no better.
The check also finds a hung worker, so this is as long as one may hang before it is replaced."""

user_app = typer.Typer(help="Users who sign in to the web application.", no_args_is_help=True)


def _password(given: str | None) -> str:
    if given:
        return given
    first = getpass.getpass("密码：")
    if first != getpass.getpass("再次输入密码："):
        die("两次输入的密码不一致")
    return first


@user_app.command("add")
def user_add(
    username: Annotated[str, typer.Argument(help="Sign-in name.")],
    role: Annotated[str, typer.Option("--role", help="admin|supervisor|reporter|leader|viewer")],
    unit: Annotated[
        str | None, typer.Option("--unit", help="Unit key (reporters, leaders).")
    ] = None,
    name: Annotated[str, typer.Option("--name", help="Display name.")] = "",
    password: Annotated[
        str | None, typer.Option("--password", help="Password (asked for when left out).")
    ] = None,
) -> None:
    """Add a user."""
    secret = _password(password)
    with writing() as session:
        users.add_user(session, username, secret, role=role, unit_key=unit, display_name=name,
                       actor=actor())  # fmt: skip
    print(f"已添加用户 {username}")


@user_app.command("passwd")
def user_passwd(
    username: Annotated[str, typer.Argument(help="Sign-in name.")],
    password: Annotated[str | None, typer.Option("--password", help="New password.")] = None,
) -> None:
    """Set a user's password."""
    secret = _password(password)
    with writing() as session:
        users.set_password(session, username, secret, actor=actor())
    print(f"已更新 {username} 的密码")


@user_app.command("disable")
def user_disable(username: Annotated[str, typer.Argument(help="Sign-in name.")]) -> None:
    """Disable a user: they are signed out at their next request."""
    with writing() as session:
        users.disable_user(session, username, actor=actor())
    print(f"已停用用户 {username}")


@user_app.command("purge-sessions")
def user_purge_sessions(
    days: Annotated[
        int, typer.Option("--days", help="Keep the rows of sessions over for fewer days.")
    ] = sessions.KEEP.days,
) -> None:
    """Delete the rows of sessions over for more than --days (30): sign-in does it as it goes;
    this is for a quiet site or a shorter period (cron)."""
    if days < 1:
        die("--days 应为正整数（保留的天数）")
    store = open_store()
    lifetime = dt.timedelta(hours=store.settings.session_max_hours)
    try:
        with store.write() as session:
            gone = sessions.purge_sessions(session, now=utcnow(), lifetime=lifetime,
                                           keep=dt.timedelta(days=days))  # fmt: skip
    finally:
        store.dispose()
    print(f"已删除 {gone} 条结束超过 {days} 天的会话记录")


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", help="Worker processes.")] = 1,
) -> None:
    """Serve the web application with uvicorn (settings from the environment)."""
    import uvicorn

    uvicorn.run("duban.web.app:app_from_environment", factory=True, host=host, port=port,
                workers=workers, proxy_headers=True, log_level="info",
                timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS)  # fmt: skip


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    app.command()(serve)
