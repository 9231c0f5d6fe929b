"""Users: add, change password, disable; sign-in with argon2id and throttling.

Passwords are hashed with argon2id (argon2-cffi's RFC 9106 low-memory profile: t=3, m=64 MiB,
p=4). Sign-in is throttled in the database, so several app processes share the count: five
failures for one account or twenty from one address within 15 minutes refuse further attempts
until the window passes; the lockout is written to the audit trail.

Password rotation is a setting, off by default (DUBAN_PASSWORD_MAX_AGE_DAYS): when on, a right
password older than that many days signs nobody in until it is changed (docs/security.md says
why it is off: 等保 asks for rotation, OWASP ASVS 5.0 advises against forcing it).
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
    must_change: bool = False
    """The password is right but older than the rotation setting: change it before going on."""


def hash_password(password: str) -> str:
    """The argon2id hash of an acceptable password."""
    _check_password(password)
    return HASHER.hash(password)


def add_user(
    session: Session, username: str, password: str, *, role: str, unit_key: str | None = None,
    display_name: str = "", hashed: str | None = None, actor: str,
) -> User:  # fmt: skip
    """Create a user; reporters and leaders belong to a unit. ``hashed``: the password's hash
    made once (``hash_password``) for several accounts that share it (the demo's units)."""
    if role not in ROLES:
        raise Invalid(f"角色“{role}”无效，应为 {'、'.join(ROLES)} 之一")
    if not username.strip() or len(username) > 64:
        raise Invalid("用户名不能为空，且不超过64个字符")
    if session.scalars(select(User.id).where(User.username == username)).first() is not None:
        raise Conflict(f"用户名“{username}”已存在")
    unit_id = _unit_id(session, unit_key)
    if role in ("reporter", "leader") and unit_id is None:
        raise Invalid("填报员和单位负责人必须指定所属单位")
    user = User(username=username, display_name=display_name or username, role=role,
                unit_id=unit_id, password_hash=hashed or hash_password(password))  # fmt: skip
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


def sign_in(
    session: Session, username: str, password: str, *, address: str, max_age_days: int = 0
) -> SignIn:
    """Check a password, counting failures per account and per address (see module docstring).

    With ``max_age_days`` (DUBAN_PASSWORD_MAX_AGE_DAYS) a right password older than that comes
    back with ``must_change``: the caller asks for a new one before signing the user in.
    """
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
    actor = Actor(user.id, user.username, user.role, user.unit_id)
    if password_expired(user, max_age_days):
        return SignIn(
            actor, f"密码已使用超过{max_age_days}天，请设置新密码后再登录", must_change=True
        )
    return SignIn(actor)


def password_expired(user: User, max_age_days: int, now: dt.datetime | None = None) -> bool:
    """True when rotation is on (``max_age_days`` > 0) and the password is older than that."""
    if max_age_days <= 0:
        return False
    return (now or utcnow()) - user.password_changed_at > dt.timedelta(days=max_age_days)


def change_own_password(
    session: Session, username: str, old: str, new: str, *, address: str
) -> User:
    """A user replaces their own password (the old one checked and throttled like a sign-in);
    the new one must differ from the old."""
    checked = sign_in(session, username, old, address=address)
    if checked.actor is None:
        raise Invalid(checked.message or "用户名或密码不正确")
    if new == old:
        raise Invalid("新密码不能与原密码相同")
    return set_password(session, username, new, actor=username)


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
