"""One page of a long list, the same way on every page that pages: ``PAGE_SIZE`` to a page, a
page number past the last shows the last, an empty list has one (empty) page.

``paging`` decides which page from a count (a list already in memory is cut by ``Paging.cut``);
``page_of`` counts and cuts a SQL statement in the database (``COUNT`` over it, then
``LIMIT``/``OFFSET``), so only the page's rows are loaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Row, Select, func, select
from sqlalchemy.orm import Session

PAGE_SIZE = 50
T = TypeVar("T")


@dataclass(frozen=True)
class Paging:
    """Page ``page`` of ``pages``, ``size`` items a page, ``total`` items in all."""

    page: int
    pages: int
    total: int
    size: int = PAGE_SIZE

    @property
    def offset(self) -> int:
        """How many items come before this page."""
        return (self.page - 1) * self.size

    def cut(self, items: Sequence[T]) -> list[T]:
        """This page's share of ``items`` (the whole list, in order)."""
        return list(items[self.offset : self.offset + self.size])


def paging(total: int, page: int, size: int = PAGE_SIZE) -> Paging:
    """Which page to show of ``total`` items when page ``page`` is asked for (below 1: the first,
    past the last: the last)."""
    pages = max(1, -(-total // size))
    return Paging(min(max(page, 1), pages), pages, total, size)


def page_of(
    session: Session, query: Select[Any], page: int, size: int = PAGE_SIZE
) -> tuple[Sequence[Row[Any]], Paging]:
    """The rows of page ``page`` of ``query`` (which must be fully ordered, so that pages neither
    skip nor repeat a row) and where that page is; two statements, a count and the page."""
    at = paging(count_of(session, query), page, size)
    return session.execute(query.limit(at.size).offset(at.offset)).all(), at


def count_of(session: Session, query: Select[Any]) -> int:
    """How many rows ``query`` gives, counted by the database."""
    counted = select(func.count()).select_from(query.order_by(None).subquery())
    return session.scalar(counted) or 0
