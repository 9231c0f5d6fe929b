"""Who may do what: the one table of actions × roles, ``can()``, and the SQL scope of a user.

Roles (design.md): admin (联席办 / 教育局 — everything), supervisor (督导室 — read all, review,
supervise), reporter (a unit's clerk — its own unit's work only), leader (a unit's head — what a
reporter may, plus sign-off), viewer (city leaders — read). The permission docs and the
permission-matrix tests are generated from ``ACTIONS``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select

ROLES = ("admin", "supervisor", "reporter", "leader", "viewer")
ROLE_LABELS = {
    "admin": "管理员",
    "supervisor": "督导室",
    "reporter": "填报员",
    "leader": "单位负责人",
    "viewer": "查阅",
}

ACTIONS: dict[str, tuple[str, frozenset[str]]] = {
    "plan.view": ("查看方案、任务和状态", frozenset(ROLES)),
    "plan.import": ("导入方案", frozenset({"admin"})),
    "plan.publish": ("校对并发布方案", frozenset({"admin"})),
    "units.manage": ("维护单位名录", frozenset({"admin"})),
    "users.manage": ("管理用户", frozenset({"admin"})),
    "report.view_all": ("查看所有单位的报告", frozenset({"admin", "supervisor", "viewer"})),
    "report.submit": ("为本单位起草和报送进展", frozenset({"reporter", "leader"})),
    "report.review": ("审核报告：通过或退回", frozenset({"admin", "supervisor"})),
    "period.lock": ("锁定报送期", frozenset({"admin", "supervisor"})),
    "audit.view": ("查看操作日志", frozenset({"admin", "supervisor"})),
    "ledger.export": (
        "导出全市台账（Excel）、督导报告和质量年度报告（Word）",
        frozenset({"admin", "supervisor", "viewer"}),
    ),
    "records.submit": ("上传本校的学校数据", frozenset({"reporter", "leader"})),
    "records.view_all": ("查看所有学校的学校数据", frozenset({"admin", "supervisor", "viewer"})),
    "extension.request": ("为本单位的分工申请延期", frozenset({"reporter", "leader"})),
    "extension.review": ("审核延期申请，查看全部延期申请", frozenset({"admin", "supervisor"})),
    "extension.decide": ("审批延期申请：批准或不予批准", frozenset({"admin"})),
    "indicators.view": (
        "查看由学校数据计算的指标（学校只看本校，其他单位只看全市数值）",
        frozenset(ROLES),
    ),
    "indicators.bind": ("把方案的量化目标绑定到指标", frozenset({"admin"})),
    "action.issue": (
        "发出、暂缓、撤回、办结和重新打开督办事项（含三色督办单）",
        frozenset({"admin", "supervisor"}),
    ),
    "action.respond": ("答复本单位收到的督办事项", frozenset({"reporter", "leader"})),
    "meeting.manage": (
        "登记联席会议、议定事项和附件，纪要送会签，删除误录的会议",
        frozenset({"admin"}),
    ),
    "meeting.sign": ("会签本单位参加的联席会议纪要", frozenset({"leader"})),
    "meeting.sign_paper": (
        "登记参会单位纸质签回的会签（纸质会签）",
        frozenset({"admin", "supervisor"}),
    ),
    "reminders.manage": ("配置各单位的提醒渠道（邮件、Webhook、群机器人）", frozenset({"admin"})),
}


@dataclass(frozen=True)
class Actor:
    """The signed-in person as the rules see them."""

    user_id: int
    username: str
    role: str
    unit_id: int | None

    @property
    def label(self) -> str:
        return f"{self.role}:{self.username}"

    @property
    def own_unit_only(self) -> bool:
        """Reporters and leaders see and touch their own unit's work only."""
        return self.role in ("reporter", "leader")


def can(actor: Actor | None, action: str) -> bool:
    """Whether ``actor`` holds ``action``; unknown actions are refused (fail closed)."""
    if actor is None or action not in ACTIONS:
        return False
    return actor.role in ACTIONS[action][1]


def scope_to_unit(statement: Select[Any], actor: Actor, unit_column: Any) -> Select[Any]:
    """Add the SQL filter that keeps a reporter or leader to their own unit's rows."""
    if actor.own_unit_only:
        return statement.where(unit_column == (actor.unit_id if actor.unit_id is not None else -1))
    return statement


def matrix_markdown() -> str:
    """The permission table as Markdown, for docs/permissions.md."""
    head = "| action | " + " | ".join(ROLES) + " |\n|---|" + "---|" * len(ROLES) + "\n"
    rows = [
        f"| {name} ({label}) | " + " | ".join("✓" if r in roles else "" for r in ROLES) + " |"
        for name, (label, roles) in ACTIONS.items()
    ]
    return head + "\n".join(rows) + "\n"
