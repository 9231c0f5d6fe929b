"""Sending one digest through one channel: SMTP mail, a generic webhook, or a group robot.

No database here: ``services.reminders`` decides what to send and records the outcome. A send
never raises for a network or server failure; it returns the reason in one line, so the run can
record it, go on with the other channels, and try again next time.
"""

from __future__ import annotations

import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

import httpx

from duban.config import Settings
from duban.domain.reminders import Digest
from duban.domain.robots import dingtalk_body, dingtalk_url, feishu_body, robot_error, wecom_body

MAX_ERROR = 500


@dataclass(frozen=True)
class Target:
    """Where one channel sends: its kind, address(es) or URL, and signing secret if any."""

    kind: str
    address: str
    secret: str | None = None


def send(
    target: Target, digest: Digest, settings: Settings, *, clock: Callable[[], float] = time.time
) -> str | None:
    """Deliver ``digest``; ``None`` when it went through, else why not (one line)."""
    try:
        if target.kind == "email":
            send_mail(target.address, digest, settings)
            return None
        url, body = request_for(target, digest, clock())
        return _post(target.kind, url, body, settings.remind_timeout)
    except (OSError, smtplib.SMTPException, httpx.HTTPError) as exc:
        return _one_line(f"{type(exc).__name__}: {exc}")


def recipients(address: str) -> list[str]:
    """Addresses separated by commas, semicolons or 、 (as people type them)."""
    for sep in (";", "；", "，", "、"):
        address = address.replace(sep, ",")
    return [a.strip() for a in address.split(",") if a.strip()]


def send_mail(address: str, digest: Digest, settings: Settings) -> None:
    message = EmailMessage()
    message["Subject"] = digest.subject
    message["From"] = settings.smtp_from
    message["To"] = ", ".join(recipients(address))
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="duban")
    message.set_content(digest.text)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port,
                      timeout=settings.remind_timeout) as smtp:  # fmt: skip
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        smtp.send_message(message)


def request_for(target: Target, digest: Digest, now: float) -> tuple[str, dict[str, Any]]:
    """The URL and JSON body a webhook or robot channel posts at time ``now`` (seconds)."""
    if target.kind == "dingtalk":
        return dingtalk_url(target.address, target.secret, int(now * 1000)), dingtalk_body(digest)
    if target.kind == "wecom":
        return target.address, wecom_body(digest)
    if target.kind == "feishu":
        return target.address, feishu_body(digest, target.secret, int(now))
    return target.address, digest.to_json()


def _post(kind: str, url: str, body: dict[str, Any], timeout: float) -> str | None:
    answer = httpx.post(url, json=body, timeout=timeout)
    if not answer.is_success:
        return _one_line(f"HTTP {answer.status_code}: {answer.text[:200]}")
    if kind == "webhook":
        return None
    try:
        data = answer.json()
    except ValueError:
        return _one_line(f"机器人的应答不是 JSON：{answer.text[:200]}")
    return robot_error(kind, data)


def _one_line(text: str) -> str:
    return " ".join(text.split())[:MAX_ERROR]
