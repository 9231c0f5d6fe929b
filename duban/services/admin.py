"""The admin pages' writes that ``users`` and ``units`` lack: enable a user again, disable one
without leaving the deployment without an admin, end a user's sessions, add a unit alias, load a
registry file upload.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from duban import audit
from duban.models import Unit, UnitAlias, User
from duban.services import sessions, units, users
from duban.services.errors import Conflict, Invalid, NotFound

MAX_REGISTRY_BYTES = 2 * 2**20
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_PREFIX = "单位名录文件有误："
# The registry's own messages (duban.domain.registry) are English; the admin reads Chinese.
_REGISTRY_WORDS: tuple[tuple[str, str], ...] = (
    (r"^not YAML: ", "不是有效的 YAML："),
    (r"expected a mapping with a list under 'units'", "文件应为含 units 列表的映射"),
    (r"expected version (\d+) and only 'version' and 'units'",
     r"版本应为 \1，且只含 version 和 units 两项"),
    (r"^unit (\d+) \((.*?)\): ", r"第\1个单位（\2）："),
    (r"^unit (\d+): ", r"第\1个单位："),
    (r"expected a mapping", "应为映射"),
    (r"unknown field\(s\) ", "未知字段 "),
    (r"key, name and kind are required strings", "key、name、kind 为必填文本"),
    (r"short and parent must be strings", "short 和 parent 须为文本"),
    (r"aliases and members must be lists of strings", "aliases 和 members 须为文本列表"),
    (r"refers to unknown or own key ", "引用了不存在的键或自身的键 "),
    (r"cycle through ", "上下级或成员关系成环："),
    (r"key must be ASCII letters, digits, '\.', '_' or '-'",
     "键只能由 ASCII 字母、数字及“.”“_”“-”组成"),
    (r"repeated key ", "键重复 "),
    (r"repeated name ", "名称重复 "),
    (r"name is blank", "名称为空"),
    (r"a spelling holds a control character or line break", "名称、简称或别名含控制字符或换行"),
    (r"unknown kind ", "未知的单位类型 "),
    (r"only a collective has members", "只有集合单位（collective）可以列出成员"),
    (r"a collective needs members", "集合单位（collective）须列出成员"),
)  # fmt: skip


def enable_user(session: Session, username: str, *, actor: str) -> User:
    """Let a disabled user sign in again."""
    user = _user(session, username)
    if user.active:
        raise Conflict(f"用户“{username}”已是启用状态")
    user.active = True
    audit.record(session, actor=actor, action="user.enable", object_type="user",
                 object_id=user.id, label=username, before={"active": False},
                 after={"active": True})  # fmt: skip
    return user


def disable_user(session: Session, username: str, *, actor: str) -> User:
    """``users.disable_user``, refusing a user already disabled and the last active admin (the
    deployment would be left with nobody to manage it but the command line)."""
    user = _user(session, username)
    if not user.active:
        raise Conflict(f"用户“{username}”已停用")
    if user.role == "admin":
        admins = select(func.count()).select_from(User).where(User.role == "admin", User.active)
        if (session.scalar(admins) or 0) <= 1:
            raise Conflict("不能停用最后一名启用的管理员")
    return users.disable_user(session, username, actor=actor)


def end_sessions(session: Session, username: str, *, actor: str) -> int:
    """End every session ``username`` has open (a lost laptop, a shared computer); how many."""
    return sessions.end_sessions_of(session, _user(session, username), actor=actor)


def add_alias(session: Session, unit_key: str, alias: str, *, actor: str) -> Unit:
    """Record another spelling of a unit, so plans that write it are matched to the unit."""
    unit = session.scalars(select(Unit).where(Unit.key == unit_key)).first()
    if unit is None:
        raise NotFound(f"没有键为“{unit_key}”的单位")
    alias = alias.strip()
    if not alias or len(alias) > 200 or _CONTROL.search(alias):
        raise Invalid("别名不能为空，不超过200个字符，且不能含换行或控制字符")
    if alias in (unit.name, unit.short):
        raise Invalid(f"“{alias}”已是{unit.name}的名称或简称")
    owner = session.scalars(select(Unit.name).join(UnitAlias).where(UnitAlias.alias == alias))
    if (taken := owner.first()) is not None:
        raise Conflict(f"别名“{alias}”已属于{taken}")
    if session.scalars(select(Unit.name).where(Unit.name == alias)).first() is not None:
        raise Conflict(f"“{alias}”是另一单位的名称，不能作为别名")
    before = [a.alias for a in unit.aliases]
    unit.aliases.append(UnitAlias(alias=alias))
    session.flush()
    audit.record(
        session, actor=actor, action="units.alias", object_type="unit", object_id=unit.id,
        label=f"{unit.name}：添加别名“{alias}”", before={"aliases": before},
        after={"aliases": [*before, alias]},
    )  # fmt: skip
    return unit


def load_units_file(session: Session, data: bytes, *, actor: str) -> units.LoadResult:
    """``units.load_units`` for an uploaded file: UTF-8 YAML, at most 2 MiB; every refusal in
    Chinese, naming the entry at fault."""
    if not data.strip():
        raise Invalid("请选择单位名录文件（YAML），文件不能为空")
    if len(data) > MAX_REGISTRY_BYTES:
        raise Invalid("单位名录文件过大（不超过2 MB）")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid("单位名录文件须为 UTF-8 编码的 YAML 文本") from None
    try:
        return units.load_units(session, text, actor=actor)
    except Invalid as exc:
        raise Invalid(registry_message(exc.message)) from None
    except IntegrityError:
        raise Invalid(_PREFIX + "单位名称或别名与名录外的现有单位重复") from None


def registry_message(message: str) -> str:
    """A registry error as the admin reads it: the English detail put into Chinese."""
    if not message.startswith(_PREFIX):
        return message
    detail = message[len(_PREFIX) :]
    for pattern, words in _REGISTRY_WORDS:
        detail = re.sub(pattern, words, detail)
    return _PREFIX + detail


def _user(session: Session, username: str) -> User:
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound(f"没有用户“{username}”")
    return user
