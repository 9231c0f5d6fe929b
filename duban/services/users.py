"""Users: add, change password, disable; sign-in with argon2id and throttling.

Passwords are hashed with argon2id at m=19 MiB, t=2, p=1: the first configuration of the OWASP
Password Storage Cheat Sheet, which ASVS 5.0 refers to. It costs about 30 ms of one core here, so
a deadline-hour burst of 300 sign-ins in 30 s takes a third of a core; RFC 9106's low-memory
profile (argon2-cffi's default, m=64 MiB, t=3, p=4) costs about 220 ms of CPU, and the same
burst would need more than the two cores of a small government server (docs/security.md).
Hashes made with other parameters are re-made at the next sign-in.

Sign-in is throttled in the database, so several app processes share the count: five failures
for one account or twenty from one address within 15 minutes refuse further attempts until the
window passes; the lockout is written to the audit trail. The web sign-in
(``sign_in_session``) reads and hashes outside the write transaction and writes only the attempt
and the session, so sign-ins do not queue behind each other's argon2id. A password change or a
disabled account ends the user's open sessions (``duban.services.sessions``); a user changes
their own password through ``duban.services.passwords``.

Password rotation is a setting, off by default (DUBAN_PASSWORD_MAX_AGE_DAYS): when on, a right
password older than that many days signs nobody in until it is changed (docs/security.md says
why it is off: 等保 asks for rotation, OWASP ASVS 5.0 advises against forcing it).
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from dataclasses import dataclass, field, replace

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from duban import audit
from duban.db import Store
from duban.models import LoginAttempt, Unit, User
from duban.models.base import utcnow
from duban.permissions import ROLES, Actor
from duban.services import sessions
from duban.services.errors import Conflict, Invalid, NotFound

HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
"""argon2id, OWASP's m=19 MiB, t=2, p=1 (the module docstring says why)."""
WINDOW = dt.timedelta(minutes=15)
ACCOUNT_LIMIT = 5
ADDRESS_LIMIT = 20
MIN_PASSWORD = 8
TOO_MANY = "登录失败次数过多，请15分钟后再试"
WRONG_PASSWORD = "用户名或密码不正确"


@dataclass(frozen=True)
class SignIn:
    actor: Actor | None
    message: str | None = None  # why not, in Chinese, when refused
    must_change: bool = False
    """The password is right but older than the rotation setting: change it before going on."""
    token: str | None = None
    """The new session's token, for the cookie (``sign_in_session`` only)."""
    ticket: str | None = None
    """With ``must_change``: the rotation ticket for the cookie (``sign_in_session`` only)."""


@dataclass(frozen=True)
class Checked:
    """A sign-in between its steps: the throttle as it stood, the account as it was read
    (``read_sign_in``) and whether the password matched it (``verify_sign_in``), for the short
    write that records it (``record_sign_in``)."""

    username: str
    address: str
    max_age_days: int
    throttled: bool = False
    user_id: int | None = None
    changed_at: dt.datetime | None = None
    """The account's password_changed_at when the password was checked against its hash."""
    stored_hash: str | None = field(default=None, repr=False)
    matched: bool = False
    rehash: str | None = None
    """A new hash of the right password, when the stored one was made with weaker parameters."""


def hash_password(password: str) -> str:
    """The argon2id hash of an acceptable password."""
    check_password(password)
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


def set_password(
    session: Session, username: str, password: str, *, actor: str, keep: str | None = None
) -> User:
    """Replace a user's password (an admin's reset, or the user's own change); the sessions the
    user has open end, so whoever knew the old password is out — all but ``keep`` (a session
    token: the one the change is made from, when the user changes their own)."""
    user = _user(session, username)
    check_password(password)
    user.password_hash, user.password_changed_at = HASHER.hash(password), utcnow()
    ended = sessions.end_user_sessions(session, user.id, reason="password", keep=keep)
    audit.record(session, actor=actor, action="user.password", object_type="user",
                 object_id=user.id, label=username, after={"sessions_ended": ended})  # fmt: skip
    return user


def disable_user(session: Session, username: str, *, actor: str) -> User:
    """Stop a user signing in; their open sessions end at once."""
    user = _user(session, username)
    user.active = False
    ended = sessions.end_user_sessions(session, user.id, reason="disabled")
    audit.record(session, actor=actor, action="user.disable", object_type="user",
                 object_id=user.id, label=username, before={"active": True},
                 after={"active": False, "sessions_ended": ended})  # fmt: skip
    return user


def sign_in(
    session: Session, username: str, password: str, *, address: str, max_age_days: int = 0
) -> SignIn:
    """Check a password, counting failures per account and per address (see module docstring),
    all in ``session``. The web sign-in takes the same steps with the slow one outside the write
    transaction (``sign_in_session``).

    With ``max_age_days`` (DUBAN_PASSWORD_MAX_AGE_DAYS) a right password older than that comes
    back with ``must_change``: the caller asks for a new one before signing the user in.
    """
    checked = read_sign_in(session, username, address=address, max_age_days=max_age_days)
    return record_sign_in(session, verify_sign_in(checked, password))


def sign_in_session(
    store: Store, username: str, password: str, *, address: str, user_agent: str,
    lifetime: dt.timedelta, max_age_days: int = 0,
) -> SignIn:  # fmt: skip
    """A web sign-in: the throttle and the account read in a read transaction, the password
    checked (argon2id, the slow part) outside any, then one short write transaction records the
    attempt and starts the session (``lifetime``: DUBAN_SESSION_MAX_HOURS), whose token comes
    back for the cookie. Sign-ins do not queue behind each other's hashing. A right password due
    for rotation starts no session, only a ticket for the form asking for a new one."""
    with store.read() as session:
        checked = read_sign_in(session, username, address=address, max_age_days=max_age_days)
    checked = verify_sign_in(checked, password)
    with store.write() as session:
        result = record_sign_in(session, checked)
        if result.actor is None:
            return result
        user_id, seen = result.actor.user_id, {"address": address, "user_agent": user_agent}
        if result.must_change:
            return replace(result, ticket=sessions.start_rotation(session, user_id, **seen))
        token = sessions.start_session(session, user_id, lifetime=lifetime, **seen)
    return replace(result, token=token)


def read_sign_in(
    session: Session, username: str, *, address: str, max_age_days: int = 0
) -> Checked:
    """A sign-in's first step (reads only): whether the account or address is throttled, and
    the account's password hash as it stands."""
    checked = Checked(username, address, max_age_days)
    if _throttled(session, username, address):
        return replace(checked, throttled=True)
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None or not user.active:
        return checked
    return replace(checked, user_id=user.id, changed_at=user.password_changed_at,
                   stored_hash=user.password_hash)  # fmt: skip


def verify_sign_in(checked: Checked, password: str) -> Checked:
    """A sign-in's second step, no database: the password against the hash read (slow). An
    unknown or disabled account's is checked against ``dummy_hash()``, which nothing matches:
    the same work, so the time taken does not tell which user names exist."""
    if checked.throttled:
        return checked
    try:
        HASHER.verify(checked.stored_hash or dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return checked
    if checked.stored_hash is None:
        return checked
    weak = HASHER.check_needs_rehash(checked.stored_hash)
    return replace(checked, matched=True, rehash=HASHER.hash(password) if weak else None)


def record_sign_in(session: Session, checked: Checked) -> SignIn:
    """A sign-in's last step, in the write transaction: count the attempt, audit a lockout,
    upgrade a weak hash. The throttle is counted again here, serialised with every other
    sign-in, so attempts racing past the first check never add up to more than the limits; a
    password changed or an account disabled since the check refuses the sign-in."""
    username, address = checked.username, checked.address
    if checked.throttled or _throttled(session, username, address):
        return SignIn(None, TOO_MANY)
    user = session.get(User, checked.user_id) if checked.user_id is not None else None
    ok = (checked.matched and user is not None and user.active
          and user.password_changed_at == checked.changed_at)  # fmt: skip
    session.add(LoginAttempt(username=username[:64], address=address[:64], ok=ok))
    session.flush()
    if not ok:
        if _failures(session, LoginAttempt.username == username) == ACCOUNT_LIMIT:
            audit.record(session, actor=f"anonymous@{address}", action="user.lockout",
                         object_type="user", object_id=user.id if user else None,
                         label=username)  # fmt: skip
        return SignIn(None, WRONG_PASSWORD)
    assert user is not None
    if checked.rehash and user.password_hash == checked.stored_hash:
        user.password_hash = checked.rehash
    actor = Actor(user.id, user.username, user.role, user.unit_id)
    if password_expired(user, checked.max_age_days):
        days = checked.max_age_days
        return SignIn(actor, f"密码已使用超过{days}天，请设置新密码后再登录", must_change=True)
    return SignIn(actor)


def password_expired(user: User, max_age_days: int, now: dt.datetime | None = None) -> bool:
    """True when rotation is on (``max_age_days`` > 0) and the password is older than that."""
    if max_age_days <= 0:
        return False
    return (now or utcnow()) - user.password_changed_at > dt.timedelta(days=max_age_days)


@functools.cache
def dummy_hash() -> str:
    """The hash of a random password nobody knows, made once per process with ``HASHER``'s
    parameters (at the first sign-in of an unknown name, not at import)."""
    return HASHER.hash(secrets.token_urlsafe(32))


def _throttled(session: Session, username: str, address: str) -> bool:
    return _failures(session, LoginAttempt.username == username) >= ACCOUNT_LIMIT or (
        _failures(session, LoginAttempt.address == address) >= ADDRESS_LIMIT
    )


def _failures(session: Session, who: ColumnElement[bool]) -> int:
    """Failed attempts matching ``who`` within the window."""
    query = select(func.count()).select_from(LoginAttempt).where(who, LoginAttempt.ok.is_(False))
    return session.scalar(query.where(LoginAttempt.at >= utcnow() - WINDOW)) or 0


def check_password(password: str) -> None:
    """Refuse a password the rules do not accept (Invalid, in Chinese)."""
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
