"""Real local servers for reminder tests: an SMTP server (aiosmtpd) and an HTTP receiver that
plays the generic webhook and the DingTalk, WeCom and Feishu robots.

The robot paths check the signature the way each robot's documentation describes it (written
here independently of ``duban.domain.robots``) and answer like the robot: HTTP 200 with an error
code in the body when they refuse. ``fail`` makes a path answer HTTP 500 until cleared.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller

SECRET = "SEC0123456789abcdef"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        message["X-Rcpt"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[tuple[int, list[EmailMessage]]]:
    """A real SMTP server on 127.0.0.1: its port and the messages it received."""
    box = _Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, box.messages
    finally:
        controller.stop()


@dataclass
class Received:
    path: str
    query: dict[str, list[str]]
    body: Any
    verdict: str


@dataclass
class Receiver:
    url: str
    requests: list[Received] = field(default_factory=list)
    failing: set[str] = field(default_factory=set)

    def on(self, path: str) -> list[Received]:
        return [r for r in self.requests if r.path == path]


def dingtalk_ok(query: dict[str, list[str]]) -> bool:
    """DingTalk 加签: sign = base64(HMAC-SHA256(secret, "timestamp\\nsecret")), ms, within 1 h."""
    stamp, sign = query.get("timestamp", [""])[0], query.get("sign", [""])[0]
    if not stamp.isdigit() or abs(int(stamp) - time.time() * 1000) > 3600_000:
        return False
    mac = hmac.new(SECRET.encode(), f"{stamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(mac).decode(), sign)


def feishu_ok(body: dict[str, Any]) -> bool:
    """Feishu 签名校验: sign = base64(HMAC-SHA256(key="timestamp\\nsecret", msg="")), seconds."""
    stamp, sign = str(body.get("timestamp", "")), str(body.get("sign", ""))
    if not stamp.isdigit() or abs(int(stamp) - time.time()) > 3600:
        return False
    mac = hmac.new(f"{stamp}\n{SECRET}".encode(), b"", hashlib.sha256).digest()
    return hmac.compare_digest(base64.b64encode(mac).decode(), sign)


def _answer(path: str, query: dict[str, list[str]], body: Any) -> tuple[str, dict[str, Any]]:
    if path == "/dingtalk":
        good = dingtalk_ok(query) and body.get("msgtype") == "markdown"
        return ("ok", {"errcode": 0, "errmsg": "ok"}) if good else (
            "refused", {"errcode": 310000, "errmsg": "sign not match"})  # fmt: skip
    if path == "/feishu":
        good = feishu_ok(body) and body.get("msg_type") == "text"
        return ("ok", {"code": 0, "msg": "success"}) if good else (
            "refused", {"code": 19021, "msg": "sign match fail"})  # fmt: skip
    if path == "/wecom":
        good = body.get("msgtype") == "markdown" and "content" in body.get("markdown", {})
        return ("ok", {"errcode": 0, "errmsg": "ok"}) if good else (
            "refused", {"errcode": 40008, "errmsg": "invalid message type"})  # fmt: skip
    return "ok", {"received": True}


@contextmanager
def http_receiver() -> Iterator[Receiver]:
    """A real HTTP server on 127.0.0.1 in a thread, recording every POST."""
    receiver = Receiver("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            body = json.loads(raw.decode("utf-8"))
            query = parse_qs(parts.query)
            if parts.path in receiver.failing:
                receiver.requests.append(Received(parts.path, query, body, "500"))
                self._send(500, {"error": "down"})
                return
            verdict, answer = _answer(parts.path, query, body)
            receiver.requests.append(Received(parts.path, query, body, verdict))
            self._send(200, answer)

        def _send(self, status: int, answer: dict[str, Any]) -> None:
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
