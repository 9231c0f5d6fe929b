"""Users: add, change password, disable; sign-in with argon2id and throttling.

Passwords are hashed with argon2id (argon2-cffi's RFC 9106 low-memory profile: t=3, m=64 MiB,
p=4). Sign-in is throttled in the database, so several app processes share the count: five
failures for one account or twenty from one address within 15 minutes refuse further attempts
until the window passes; the lockout is written to the audit trail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from duban import audit
from duban.models import LoginAttempt, Unit, User
from duban.models.base import utcnow
from duban.permissions import ROLES, Actor
from duban.services.errors import Conflict, Invalid, NotFound

HASHER = PasswordHasher()
WINDOW = dt.timedelta(minutes=15)
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
MIN_PASSWORD = 8


@dataclass(frozen=True)
class SignIn:
    actor: Actor | None
    message: str | None = None  # why not, in Chinese, when refused


def add_user(
    session: Session, username: str, password: str, *, role: str, unit_key: str | None = None,
    display_name: str = "", actor: str,
) -> User:  # fmt: skip
    """Create a user; reporters and leaders belong to a unit."""
    if role not in ROLES:
        raise Invalid(f"角色“{role}”无效，应为 {'、'.join(ROLES)} 之一")
    if not username.strip() or len(username) > 64:
        raise Invalid("用户名不能为空，且不超过64个字符")
    if session.scalars(select(User.id).where(User.username == username)).first() is not None:
        raise Conflict(f"用户名“{username}”已存在")
    unit_id = _unit_id(session, unit_key)
    if role in ("reporter", "leader") and unit_id is None:
        raise Invalid("填报员和单位负责人必须指定所属单位")
    _check_password(password)
    user = User(username=username, display_name=display_name or username, role=role,
                unit_id=unit_id, password_hash=HASHER.hash(password))  # fmt: skip
    session.add(user)
    session.flush()
    audit.record(
        session, actor=actor, action="user.add", object_type="user", object_id=user.id,
        label=username, after={"role": role, "unit": unit_key},
    )  # fmt: skip
    return user


def set_password(session: Session, username: str, password: str, *, actor: str) -> User:
    user = _user(session, username)
    _check_password(password)
    user.password_hash, user.password_changed_at = HASHER.hash(password), utcnow()
    audit.record(session, actor=actor, action="user.password", object_type="user",
                 object_id=user.id, label=username)  # fmt: skip
    return user


def disable_user(session: Session, username: str, *, actor: str) -> User:
    user = _user(session, username)
    user.active = False
    audit.record(session, actor=actor, action="user.disable", object_type="user",
                 object_id=user.id, label=username, before={"active": True},
                 after={"active": False})  # fmt: skip
    return user


def sign_in(session: Session, username: str, password: str, *, address: str) -> SignIn:
    """Check a password, counting failures per account and per address (see module docstring)."""
    since = utcnow() - WINDOW
    if _failures(session, LoginAttempt.username == username, since) >= ACCOUNT_LIMIT or (
        _failures(session, LoginAttempt.address == address, since) >= ADDRESS_LIMIT
    ):
        return SignIn(None, "登录失败次数过多，请15分钟后再试")
    user = session.scalars(select(User).where(User.username == username)).first()
    ok = user is not None and user.active and _verify(user, password)
    session.add(LoginAttempt(username=username[:64], address=address[:64], ok=ok))
    session.flush()
    if not ok:
        if _failures(session, LoginAttempt.username == username, since) == ACCOUNT_LIMIT:
            audit.record(session, actor=f"anonymous@{address}", action="user.lockout",
                         object_type="user", object_id=user.id if user else None,
                         label=username)  # fmt: skip
        return SignIn(None, "用户名或密码不正确")
    assert user is not None
    return SignIn(Actor(user.id, user.username, user.role, user.unit_id))


def _verify(user: User, password: str) -> bool:
    try:
        HASHER.verify(user.password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)
    return True


def _failures(session: Session, who: ColumnElement[bool], since: dt.datetime) -> int:
    query = select(func.count()).select_from(LoginAttempt).where(who, LoginAttempt.ok.is_(False))
    return session.scalar(query.where(LoginAttempt.at >= since)) or 0


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise Invalid(f"密码至少{MIN_PASSWORD}个字符")


def _user(session: Session, username: str) -> User:
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound(f"没有用户“{username}”")
    return user


def _unit_id(session: Session, unit_key: str | None) -> int | None:
    if unit_key is None:
        return None
    unit_id = session.scalars(select(Unit.id).where(Unit.key == unit_key)).first()
    if unit_id is None:
        raise NotFound(f"没有键为“{unit_key}”的单位")
    return unit_id
