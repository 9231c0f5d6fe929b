"""The escalation ladder's proposals (三色督办单) turned into actions: issued, held or withdrawn.

A proposal is named by its key (``task:unit:colour``) and looked up again as of the day the
supervisor saw the list; one the ladder no longer calls for (decided by someone else meanwhile,
or the facts changed) is refused with ``Invalid``, and nothing is written.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from duban.domain.ladder import Ladder
from duban.models import Action, Plan
from duban.queries.ladder import Proposal, find_proposal
from duban.services.action_drafts import ActionDraft
from duban.services.actions import hold_action, issue_action
from duban.services.errors import Invalid

DECISIONS = ("issue", "hold", "withdraw")
"""What may be done with a proposal: issue it, hold it (暂缓) or withdraw it (撤回)."""


def proposal_draft(p: Proposal, due_on: dt.date | None = None) -> ActionDraft:
    """The notice a ladder proposal calls for, as a draft (title and body written for it)."""
    return ActionDraft(p.plan_id, p.unit_id, "notice", "", p.task_id, p.colour.value,
                       due_on=due_on, rule=p.rule)  # fmt: skip


def decide_proposal(
    session: Session, plan: Plan | None, key: str, decision: str, *, ladder: Ladder,
    as_of: dt.date, reason: str = "", due_on: dt.date | None = None, on: dt.date | None = None,
    actor: str,
) -> Action:  # fmt: skip
    """Issue, hold or withdraw (``decision``) the proposal ``key`` of ``plan`` as of ``as_of``;
    hold and withdraw need a reason. The action is dated ``on`` (default today)."""
    if decision not in DECISIONS:
        raise Invalid(f"没有“{decision}”这种处理方式，应为 issue、hold 或 withdraw")
    found = find_proposal(session, plan, as_of, ladder, key) if plan is not None else None
    if found is None:
        when = as_of.isoformat()
        raise Invalid(f"督办阶梯在 {when} 没有建议“{key}”（可能已被他人处理或情况已变化）")
    draft = proposal_draft(found, due_on)
    if decision == "issue":
        return issue_action(session, draft, ladder=ladder, on=on, actor=actor)
    return hold_action(session, draft, reason=reason, withdraw=decision == "withdraw", on=on,
                       actor=actor)  # fmt: skip
