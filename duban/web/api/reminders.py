"""Reminder channels (提醒渠道) per unit: list and add (admin); secrets go in, never out."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from duban.permissions import Actor
from duban.queries.reminders import ChannelRow, channel_rows
from duban.services import reminder_channels
from duban.web.api.common import READ_ERRORS, WRITE_ERRORS, ApiRoute, Csrf, Reader, UnitKey
from duban.web.deps import require, store
from duban.web.schemas import Text

router = APIRouter(route_class=ApiRoute)
Manager = Annotated[Actor, Depends(require("reminders.manage"))]
Kind = Literal["email", "webhook", "dingtalk", "wecom", "feishu"]


class ChannelOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    unit_key: str
    unit_name: str
    kind: str
    target: str = Field(description="邮件地址（逗号分隔）或网址")
    secret_set: bool = Field(description="是否已设签名密钥（密钥本身不返回）")
    enabled: bool
    note: str

    @classmethod
    def of(cls, row: ChannelRow) -> ChannelOut:
        return cls.model_validate(row)


class ChannelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit: Annotated[Text, Field(min_length=1, max_length=64, description="单位 key")]
    kind: Kind
    target: Annotated[Text, Field(min_length=1, max_length=500)]
    secret: Annotated[Text | None, Field(max_length=200, description="钉钉/飞书签名密钥")] = None
    note: Annotated[Text, Field(max_length=200)] = ""


@router.get("/reminder-channels", response_model=list[ChannelOut], responses=READ_ERRORS,
            summary="提醒渠道列表")  # fmt: skip
def list_channels(actor: Manager, session: Reader, unit: UnitKey = None) -> list[ChannelOut]:
    """Every unit's reminder channels (or one unit's), by unit key."""
    return [ChannelOut.of(r) for r in channel_rows(session, unit)]


@router.post("/reminder-channels", status_code=201, response_model=ChannelOut,
             responses=WRITE_ERRORS, summary="添加提醒渠道")  # fmt: skip
def add_channel(request: Request, actor: Manager, _csrf: Csrf, body: ChannelIn) -> ChannelOut:
    """Add a channel to a unit; the same kind and target twice is refused (409)."""
    with store(request).write() as session:
        channel = reminder_channels.add_channel(
            session, body.unit, body.kind, body.target, secret=body.secret, note=body.note,
            actor=actor.label,
        )  # fmt: skip
        (row,) = [r for r in channel_rows(session, body.unit) if r.id == channel.id]
    return ChannelOut.of(row)
