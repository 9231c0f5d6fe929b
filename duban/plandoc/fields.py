"""Labelled task fields: 责任单位 / 配合单位 / 完成时限 and their spelling variants.

A plan names a task's units and time limit either on their own lines
(``责任单位：市教育局``), inline (``…。（牵头单位：市教育局；完成时限：2021年底）``), in brackets
(``【牵头单位】市教育局``), as a sentence (``市教育局牵头，市财政局配合``) or as table columns whose
headers use the same words. This module knows the words; the parsers know the layouts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum

from duban.plandoc.model import Span


class Field(Enum):
    LEAD = "lead_units"
    COOP = "coop_units"
    DEADLINE = "deadline"
    IGNORED = "ignored"  # 牵头领导 and the like: people, not units


_LEAD = (
    r"牵头责任单位|牵头单位|牵头部门|责任单位|责任部门|主责单位|主责部门|负责单位|负责部门"
    r"|责任主体|主办单位|实施单位|承办单位|牵头"
)
_COOP = r"配合单位|配合部门|协同单位|协同部门|参与单位|参与部门|协办单位|协助单位|协作单位|配合"
_DEADLINE = r"完成时限|完成时间|完成期限|时间节点|时间进度|进度安排|时间安排|时限要求|时限"
_IGNORED = r"责任领导|牵头领导|分管领导|牵头市领导|责任人|联系人"

LABEL = re.compile(
    rf"[（(【\[]?\s*(?P<label>{_IGNORED}|{_LEAD}|{_COOP}|{_DEADLINE})\s*(?:[：:]|[】\]]\s*[：:]?)\s*"
)
"""A field label; the lone words 牵头/配合 count only when followed by a colon."""

HEADER_WORDS: dict[Field, re.Pattern[str]] = {
    Field.LEAD: re.compile(rf"^(?:{_LEAD}|责任分工|责任单位及分工|负责|主体)"),
    Field.COOP: re.compile(rf"^(?:{_COOP})"),
    Field.DEADLINE: re.compile(rf"^(?:{_DEADLINE}|完成时间节点|时间|期限|截止时间|完成日期)"),
}

FIRST_IS_LEAD = re.compile(r"(?:列|排|位)(?:在)?(?:第一|首)位的?(?:单位|部门)?为牵头")
_MARK = re.compile(r"[（(](牵头|主责|配合|协同|参与)(?:单位|部门)?[)）]$")


def classify(label: str) -> Field:
    for name, pattern in (
        (Field.IGNORED, _IGNORED),
        (Field.COOP, _COOP),
        (Field.DEADLINE, _DEADLINE),
    ):
        if re.fullmatch(pattern, label):
            return name
    return Field.LEAD


@dataclass
class Labelled:
    """Field values found in one stretch of text, with the span of each value."""

    values: dict[Field, list[tuple[str, int]]] = field(default_factory=dict)
    first_label: int | None = None  # where the first label starts: text after it is not body
    words: dict[int, str] = field(default_factory=dict)  # value start → the label it stood under

    def add(self, kind: Field, value: str, start: int, word: str = "") -> None:
        self.values.setdefault(kind, []).append((value, start))
        if word:
            self.words[start] = word

    def settle_roles(self) -> None:
        """Under 牵头单位, a 责任单位 names the units that carry the work out with the lead: coop.

        Plans that name both (``牵头单位：市医保局；责任单位：市卫生健康委``) use 责任单位 for
        the units responsible for their part, not for the lead.
        """
        leads = self.values.get(Field.LEAD, [])
        if not any(self.words.get(s, "").startswith("牵头") for _, s in leads):
            return
        moved = [(v, s) for v, s in leads if self.words.get(s, "").startswith(("责任", "负责"))]
        if moved:
            self.values[Field.LEAD] = [x for x in leads if x not in moved]
            self.values.setdefault(Field.COOP, []).extend(moved)

    def __bool__(self) -> bool:
        return any(k is not Field.IGNORED for k in self.values)


def find_labels(text: str, offset: int = 0) -> Labelled:
    """Find every labelled field in ``text``; a value runs to the next label or the line's end.

    ``LABEL`` also matches the bare words 牵头/配合 before a colon; inside a value we require the
    label to stand at a separator so that a unit named ``…牵头…`` is not cut.
    """
    found = Labelled()
    matches = [m for m in LABEL.finditer(text) if _at_boundary(text, m.start())]
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        raw = text[m.end() : end]
        value = _trim(raw)
        start = m.end() + (len(raw) - len(raw.lstrip()))
        if found.first_label is None:
            found.first_label = offset + m.start()
        found.add(classify(m.group("label")), value, offset + start, m.group("label"))
    return found


def _at_boundary(text: str, pos: int) -> bool:
    return pos == 0 or text[pos - 1] in "\n 。；;，,（(【[）)\t" or text[pos] in "（(【[ \t"


def _trim(value: str) -> str:
    """Drop the punctuation that closes a value: ``；``, ``。``, a closing bracket of the group."""
    value = value.split("\n")[0].strip()
    while value and value[-1] in "；;。，,、 ":
        value = value[:-1]
    if value.endswith(("）", ")")) and value.count("（") + value.count("(") < value.count(
        "）"
    ) + value.count(")"):
        value = value[:-1].rstrip("；;。，, ")
    return value


def mark_roles(
    units: list[tuple[str, Span]],
) -> tuple[list[tuple[str, Span]], list[tuple[str, Span]]]:
    """Split ``市教育局（牵头）、市财政局`` into lead and coop; without marks all are lead."""
    if not any(_MARK.search(name) for name, _ in units):
        return units, []
    lead: list[tuple[str, Span]] = []
    coop: list[tuple[str, Span]] = []
    for name, span in units:
        m = _MARK.search(name)
        clean = name[: m.start()] if m else name
        (lead if m and m.group(1) in ("牵头", "主责") else coop).append((clean, span))
    return lead, coop


_DOC_NUMBER = re.compile(
    r"(?P<issuer>[\u4e00-\u9fff]{1,10})\s*[〔\[【(（]\s*(?P<year>(?:19|20)\d{2})\s*[〕\]】)）]"
    r"\s*(?P<serial>\d{1,4})\s*号"
)
_LEAD_WORDS = re.compile(
    r"^(?:根据|按照|依据|贯彻|落实|执行|参照|关于|印发|文件|精神|以及|和|及|与|的|等)+"
)


_DECREE = re.compile(r"(?P<issuer>[\u4e00-\u9fff]{1,12}令)\s*第\s*(?P<serial>\d{1,4})\s*号")


def document_numbers(text: str, offset: int = 0) -> list[tuple[str, Span]]:
    """Document numbers in order: 文号 (``宁政规发〔2020〕3号``, brackets normalised to 〔〕) and
    decrees (``国务院令第722号``)."""
    found: list[tuple[int, str, Span]] = []
    for m in _DOC_NUMBER.finditer(text):
        issuer = _LEAD_WORDS.sub("", m.group("issuer"))
        if issuer:
            start = m.start("issuer") + (len(m.group("issuer")) - len(issuer))
            number = f"{issuer}〔{m.group('year')}〕{m.group('serial')}号"
            found.append((start, number, (offset + start, offset + m.end())))
    for m in _DECREE.finditer(text):
        issuer = _LEAD_WORDS.sub("", m.group("issuer"))
        issuer = re.sub(r"^.*[《》（）()]", "", issuer)
        if len(issuer) > 1:
            start = m.end("issuer") - len(issuer)
            number = f"{issuer}第{m.group('serial')}号"
            found.append((start, number, (offset + start, offset + m.end())))
    return [(number, span) for _, number, span in sorted(found)]
