"""Typed settings from the environment: every setting has a default and a line of doc."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the variable and the value."""


@dataclass(frozen=True)
class Settings:
    home: Path = field(default_factory=lambda: Path("duban-data"))
    """DUBAN_HOME: the data directory (SQLite database, evidence files, backups)."""
    database_url: str | None = None
    """DUBAN_DATABASE_URL: a PostgreSQL URL (postgresql+psycopg://…); unset means SQLite in home."""
    sqlite_synchronous: str = "NORMAL"
    """DUBAN_SQLITE_SYNCHRONOUS: NORMAL (WAL default) or FULL (for 等保三级 sites)."""
    busy_timeout_ms: int = 5000
    """DUBAN_BUSY_TIMEOUT_MS: how long an SQLite writer waits for the lock."""
    db_pool_size: int = 20
    """DUBAN_DB_POOL_SIZE: database connections each process keeps open (as many again may open
    for a burst). A request uses up to two at once and the web serves up to 40 requests at once
    in threads; a pool smaller than the load opens and closes a connection per request."""
    evidence_max_bytes: int = 20 * 2**20
    """DUBAN_EVIDENCE_MAX_BYTES: the largest evidence file accepted."""
    max_request_mb: int | None = None
    """DUBAN_MAX_REQUEST_MB: the largest request body accepted, in MB (larger is refused with 413
    before it is parsed); unset, the largest form's files plus 1 MB (``duban.web.limits``)."""
    password_max_age_days: int = 0
    """DUBAN_PASSWORD_MAX_AGE_DAYS: a password older than this many days must be changed at the
    next sign-in (等保 asks for rotation); 0, the default, never forces it (ASVS 5.0 advises
    against forced periodic rotation; see docs/security.md)."""
    session_idle_minutes: int = 120
    """DUBAN_SESSION_IDLE_MINUTES: a session unused this long is ended (sign in again)."""
    session_max_hours: int = 12
    """DUBAN_SESSION_MAX_HOURS: a session is ended this long after sign-in, used or not."""
    secret_key: str | None = None
    """DUBAN_SECRET_KEY (or DUBAN_SECRET_KEY_FILE): signs session cookies; required to serve."""
    demo: bool = False
    """DUBAN_DEMO: demo mode (sample accounts shown on the sign-in page)."""
    public_page: bool = False
    """DUBAN_PUBLIC_PAGE: serve the public read-only page of published plans (off by default)."""
    secure_cookies: bool = False
    """DUBAN_SECURE_COOKIES: send the session cookie over HTTPS only (set it behind TLS)."""
    ladder_path: Path | None = None
    """DUBAN_LADDER_PATH: a YAML file of the escalation ladder (三色督办单) replacing the shipped
    duban/catalogue/ladder.yaml; unset uses the shipped one."""
    smtp_host: str = "localhost"
    """DUBAN_SMTP_HOST: the mail server reminders are sent through."""
    smtp_port: int = 25
    """DUBAN_SMTP_PORT: its port (587 with DUBAN_SMTP_STARTTLS)."""
    smtp_user: str | None = None
    """DUBAN_SMTP_USER: sign-in name on the mail server; unset sends without signing in."""
    smtp_password: str | None = None
    """DUBAN_SMTP_PASSWORD (or DUBAN_SMTP_PASSWORD_FILE): its password."""
    smtp_from: str = "duban@localhost"
    """DUBAN_SMTP_FROM: the sender address of reminder mail."""
    smtp_starttls: bool = False
    """DUBAN_SMTP_STARTTLS: upgrade the mail connection with STARTTLS before signing in."""
    remind_timeout: float = 10.0
    """DUBAN_REMIND_TIMEOUT: seconds a mail server or webhook may take before a send fails."""
    remind_period: str = "week"
    """DUBAN_REMIND_PERIOD: day, week or month — the same reminder goes out once per period."""

    @property
    def url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.home / 'duban.sqlite3').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Build settings from ``env`` (default: the process environment); fail fast on bad values."""
    env = dict(os.environ if env is None else env)
    url = env.get("DUBAN_DATABASE_URL") or None
    if url and not url.startswith(("sqlite", "postgresql")):
        raise SettingsError(
            f"DUBAN_DATABASE_URL must be sqlite:// or postgresql+psycopg://, got {url!r}"
        )
    sync = env.get("DUBAN_SQLITE_SYNCHRONOUS", "NORMAL").upper()
    if sync not in ("NORMAL", "FULL", "EXTRA"):
        raise SettingsError(f"DUBAN_SQLITE_SYNCHRONOUS must be NORMAL, FULL or EXTRA, got {sync!r}")
    return Settings(
        home=Path(env.get("DUBAN_HOME", "duban-data")),
        database_url=url,
        sqlite_synchronous=sync,
        busy_timeout_ms=_int(env, "DUBAN_BUSY_TIMEOUT_MS", 5000),
        db_pool_size=_positive(env, "DUBAN_DB_POOL_SIZE", 20),
        evidence_max_bytes=_int(env, "DUBAN_EVIDENCE_MAX_BYTES", 20 * 2**20),
        max_request_mb=_positive(env, "DUBAN_MAX_REQUEST_MB", 1)
        if env.get("DUBAN_MAX_REQUEST_MB")
        else None,
        password_max_age_days=_max_age(env),
        session_idle_minutes=_positive(env, "DUBAN_SESSION_IDLE_MINUTES", 120),
        session_max_hours=_positive(env, "DUBAN_SESSION_MAX_HOURS", 12),
        secret_key=_secret(env),
        demo=_flag(env, "DUBAN_DEMO"),
        public_page=_flag(env, "DUBAN_PUBLIC_PAGE"),
        secure_cookies=_flag(env, "DUBAN_SECURE_COOKIES"),
        ladder_path=Path(env["DUBAN_LADDER_PATH"]) if env.get("DUBAN_LADDER_PATH") else None,
        **_smtp(env),
    )


def _smtp(env: dict[str, str]) -> dict[str, Any]:
    """The mail and reminder settings (duban remind)."""
    period = env.get("DUBAN_REMIND_PERIOD", "week").strip().lower()
    if period not in ("day", "week", "month"):
        raise SettingsError(f"DUBAN_REMIND_PERIOD must be day, week or month, got {period!r}")
    timeout = env.get("DUBAN_REMIND_TIMEOUT", "10")
    try:
        seconds = float(timeout)
    except ValueError:
        raise SettingsError(f"DUBAN_REMIND_TIMEOUT must be a number, got {timeout!r}") from None
    return {
        "smtp_host": env.get("DUBAN_SMTP_HOST", "localhost"),
        "smtp_port": _int(env, "DUBAN_SMTP_PORT", 25),
        "smtp_user": env.get("DUBAN_SMTP_USER") or None,
        "smtp_password": _file_or_value(env, "DUBAN_SMTP_PASSWORD"),
        "smtp_from": env.get("DUBAN_SMTP_FROM", "duban@localhost"),
        "smtp_starttls": _flag(env, "DUBAN_SMTP_STARTTLS"),
        "remind_timeout": seconds,
        "remind_period": period,
    }


def _file_or_value(env: dict[str, str], name: str) -> str | None:
    path = env.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SettingsError(f"{name}_FILE cannot be read: {exc}") from None
    return env.get(name) or None


def _flag(env: dict[str, str], name: str) -> bool:
    value = env.get(name, "").strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise SettingsError(f"{name} must be true or false, got {value!r}")


def _secret(env: dict[str, str]) -> str | None:
    path = env.get("DUBAN_SECRET_KEY_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SettingsError(f"DUBAN_SECRET_KEY_FILE cannot be read: {exc}") from None
    secret = env.get("DUBAN_SECRET_KEY") or None
    if secret is not None and len(secret) < 32:
        raise SettingsError("DUBAN_SECRET_KEY must be at least 32 characters")
    return secret


def _max_age(env: dict[str, str]) -> int:
    days = _int(env, "DUBAN_PASSWORD_MAX_AGE_DAYS", 0)
    if days < 0:
        raise SettingsError(f"DUBAN_PASSWORD_MAX_AGE_DAYS must be 0 (off) or more, got {days}")
    return days


def _positive(env: dict[str, str], name: str, default: int) -> int:
    value = _int(env, name, default)
    if value < 1:
        raise SettingsError(f"{name} must be 1 or more, got {value}")
    return value


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
