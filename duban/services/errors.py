"""Errors a service raises for a request it refuses; messages are Chinese, for the user."""

from __future__ import annotations


class ServiceError(Exception):
    """A refused request. ``message`` says what is wrong and where, in Chinese."""

    code = "invalid"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Invalid(ServiceError):
    """Bad input (CLI exit 2, HTTP 400/422)."""


class NotFound(ServiceError):
    """No such object, or not one the actor may see (HTTP 404)."""

    code = "not_found"


class Conflict(ServiceError):
    """The object changed since the actor read it, or its state forbids the change (HTTP 409)."""

    code = "conflict"
