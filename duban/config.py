"""Typed settings from the environment: every setting has a default and a line of doc."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


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
    evidence_max_bytes: int = 20 * 2**20
    """DUBAN_EVIDENCE_MAX_BYTES: the largest evidence file accepted."""
    secret_key: str | None = None
    """DUBAN_SECRET_KEY (or DUBAN_SECRET_KEY_FILE): signs session cookies; required to serve."""
    demo: bool = False
    """DUBAN_DEMO: demo mode (sample accounts shown on the sign-in page)."""
    public_page: bool = False
    """DUBAN_PUBLIC_PAGE: serve the public read-only page of published plans (off by default)."""
    secure_cookies: bool = False
    """DUBAN_SECURE_COOKIES: send the session cookie over HTTPS only (set it behind TLS)."""

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
        evidence_max_bytes=_int(env, "DUBAN_EVIDENCE_MAX_BYTES", 20 * 2**20),
        secret_key=_secret(env),
        demo=_flag(env, "DUBAN_DEMO"),
        public_page=_flag(env, "DUBAN_PUBLIC_PAGE"),
        secure_cookies=_flag(env, "DUBAN_SECURE_COOKIES"),
    )


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


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
