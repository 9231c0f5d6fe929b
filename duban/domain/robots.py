"""Group-robot messages: the request each robot expects for a digest, and its signature.

Pure: a digest, a secret and a timestamp in; a URL and a JSON body out. The sender adds the clock
and the network. The formats are the robots' published ones:

- DingTalk custom robot (钉钉自定义机器人): ``{"msgtype": "markdown", "markdown": {title, text}}``;
  with 加签, ``timestamp`` (ms) and ``sign`` = url-encoded base64 HMAC-SHA256, key the secret,
  message ``"{timestamp}\\n{secret}"``, as query parameters.
- WeCom group robot (企业微信群机器人): ``{"msgtype": "markdown", "markdown": {content}}``, at most
  4096 bytes of content; no signature (the key is in the URL).
- Feishu custom bot (飞书自定义机器人): ``{"msg_type": "text", "content": {"text"}}``; with
  签名校验, ``timestamp`` (s) and ``sign`` = base64 HMAC-SHA256 with key
  ``"{timestamp}\\n{secret}"`` over an empty message, in the body.

Each robot answers HTTP 200 with an error code in the body when it refuses a message;
``robot_error`` reads it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any
from urllib.parse import quote_plus

from duban.domain.reminders import Digest, clip

DINGTALK_MAX_BYTES = 18000  # DingTalk allows 20000 bytes of Markdown; keep a margin for the title
WECOM_MAX_BYTES = 4096
FEISHU_MAX_BYTES = 30000  # Feishu refuses request bodies over 30 KB


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's ``sign`` before url-encoding: base64(HMAC-SHA256(secret, "ts\\nsecret"))."""
    message = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def dingtalk_url(webhook: str, secret: str | None, timestamp_ms: int) -> str:
    """The robot URL with ``timestamp`` and url-encoded ``sign`` appended when a secret is set."""
    if not secret:
        return webhook
    joiner = "&" if "?" in webhook else "?"
    sign = quote_plus(dingtalk_sign(secret, timestamp_ms))
    return f"{webhook}{joiner}timestamp={timestamp_ms}&sign={sign}"


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu's ``sign``: base64(HMAC-SHA256(key="ts\\nsecret", message=b""))."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def dingtalk_body(digest: Digest) -> dict[str, Any]:
    text = clip(digest.markdown, DINGTALK_MAX_BYTES)
    return {"msgtype": "markdown", "markdown": {"title": digest.subject, "text": text}}


def wecom_body(digest: Digest) -> dict[str, Any]:
    return {"msgtype": "markdown", "markdown": {"content": clip(digest.markdown, WECOM_MAX_BYTES)}}


def feishu_body(digest: Digest, secret: str | None, timestamp_s: int) -> dict[str, Any]:
    text = clip(f"{digest.subject}\n\n{digest.text}", FEISHU_MAX_BYTES)
    body: dict[str, Any] = {"msg_type": "text", "content": {"text": text}}
    if secret:
        body = {"timestamp": str(timestamp_s), "sign": feishu_sign(secret, timestamp_s), **body}
    return body


def robot_error(kind: str, answer: Any) -> str | None:
    """The refusal a robot's JSON answer carries, or ``None`` when it took the message.

    DingTalk and WeCom answer ``{"errcode": 0, "errmsg": "ok"}``; Feishu ``{"code": 0}`` (older
    bots ``{"StatusCode": 0}``). The generic webhook's answer is not read.
    """
    if kind not in ("dingtalk", "wecom", "feishu"):
        return None
    if not isinstance(answer, dict):
        return "机器人的应答不是 JSON 对象"
    if kind == "feishu":
        code = answer.get("code", answer.get("StatusCode", 0))
        message = answer.get("msg", answer.get("StatusMessage", ""))
    else:
        code, message = answer.get("errcode", 0), answer.get("errmsg", "")
    return None if code in (0, "0") else f"机器人拒收（{code}）：{message}"
