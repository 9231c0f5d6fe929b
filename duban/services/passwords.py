"""A user changes their own password: from the account page (修改密码), or after signing in
with a right password that rotation says is too old (设置新密码).

The old password is checked as a web sign-in checks one (``duban.services.users``): throttled by
account and address, argon2id outside the write transaction, and the attempt recorded even when
it fails, so guessing through this form counts against the same limits as guessing at sign-in.
The new password follows the same rules as any other and must differ from the old. The user's
other sessions end (``users.set_password``); the change is audited as ``user.password``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from duban.db import Store
from duban.models import User
from duban.models.base import utcnow
from duban.queries.sessions import rotation_user
from duban.services import sessions
from duban.services.errors import Invalid
from duban.services.users import (
    TOO_MANY,
    check_password,
    read_sign_in,
    record_sign_in,
    set_password,
    verify_sign_in,
)

MISMATCH = "两次输入的新密码不一致"
WRONG = "原密码不正确"
SAME = "新密码不能与原密码相同"
TICKET_GONE = "设置新密码的页面已过期，请重新登录"


def change_own_password(
    store: Store, username: str, old: str, new: str, *, confirm: str, address: str, keep: str
) -> None:
    """The account page: ``username`` replaces their password (typed twice: ``new`` and
    ``confirm``); every session of theirs but ``keep`` (the token of the one the change is made
    from) ends."""
    with _checked_change(store, username, old, new, confirm, address=address, keep=keep):
        pass


def rotate_password(
    store: Store, ticket: str, old: str, new: str, *, confirm: str, address: str,
    user_agent: str, lifetime: dt.timedelta,
) -> str:  # fmt: skip
    """After a sign-in with an expired password: the account ``ticket`` names replaces its
    password; the ticket is used up and the session the user goes on with starts in the same
    transaction. Returns that session's token. Every earlier session of the user ends."""
    with store.read() as session:
        username = rotation_user(session, ticket, utcnow())
    if username is None:
        raise Invalid(TICKET_GONE)
    with _checked_change(store, username, old, new, confirm, address=address) as (session, user):
        if not sessions.use_rotation(session, ticket, user.id):
            raise Invalid(TICKET_GONE)  # used meanwhile: nothing changes
        return sessions.start_session(session, user.id, address=address,
                                      user_agent=user_agent, lifetime=lifetime)  # fmt: skip


@contextmanager
def _checked_change(
    store: Store, username: str, old: str, new: str, confirm: str, *, address: str,
    keep: str | None = None,
) -> Iterator[tuple[Session, User]]:  # fmt: skip
    """Check the new password (typed the same twice), then the old one (see the module
    docstring); with both right, set the new one and hand the write transaction on. A wrong old
    password raises Invalid after its attempt is committed."""
    if new != confirm:
        raise Invalid(MISMATCH)
    check_password(new)
    if new == old:
        raise Invalid(SAME)
    with store.read() as session:
        checked = read_sign_in(session, username, address=address)
    checked = verify_sign_in(checked, old)
    with store.write() as session:
        result = record_sign_in(session, checked)
        if result.actor is not None:
            yield session, set_password(session, username, new, actor=username, keep=keep)
            return
    raise Invalid(TOO_MANY if result.message == TOO_MANY else WRONG)
