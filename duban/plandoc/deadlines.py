"""Parse a time limit (完成时限 / 时间节点) into a ``Deadline``.

The genre writes a due date as a period, and the task is due at the period's **last day**:
``2021年7月前`` → 2021-07-31, ``2021年底`` → 2021-12-31, ``2021年第三季度`` → 2021-09-30,
``2021—2023年`` → 2023-12-31. Work that goes on after that (``…完成并长期坚持``, ``持续推进``,
``每年``) is ``ongoing``; a date that recurs (``每年12月底前``) is ``recurring`` and no deadline.

Pure; never raises. Chinese numerals (``二〇二一年十月``), full-width digits and stray spaces are
normalised first.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata

from duban.plandoc.model import Deadline

_MIN_YEAR, _MAX_YEAR = 1900, 2199  # a four-digit number outside this is not a plan's year

_ONGOING = re.compile(r"长期|持续|常态|长效|坚持|定期|逐年|滚动|经常|每(?:年|半年|季|月|学期|周)")
_RECURRING = re.compile(r"每(?P<every>年|半年|季度|季|月|学期|周)")

_RANGE_SEP = r"[-—–－~～至到]"
_MONTH_TAIL = r"(?:(?P<{p}d>[0-9]{{1,2}})[日号]|(?P<{p}xun>上旬|中旬|下旬))?"
# One alternation, read left to right; the branches in order:
#   every  — a recurring date (每年12月底前): a rhythm, not a deadline, consumed whole
#   plan   — a five-year plan period (“十四五”期间 → 2025)
#   y…     — a written year with an optional range before it and a period after it
#   n…     — numeric dates (2021.7, 2021/7/31, 2021-07-31)
#   r…     — a month, half, quarter or 年底 without a year (relative: needs a year from elsewhere)
_PATTERN = re.compile(
    r"(?P<every>每(?:年|半年|季度|季|月|学期|周)(?:[0-9]{1,2}月(?:[0-9]{1,2}[日号])?)?(?:底|末)?)"
    r"|“?(?P<plan>十[一二三四五])五”?(?:期间|时期|末期?|规划期)?"
    rf"|(?:(?P<y0>[0-9]{{4}})年?{_RANGE_SEP})?(?P<y>[0-9]{{4}})年(?!{_RANGE_SEP}[0-9])"
    r"(?:(?P<yhalf>上半年|下半年|年中)|第?(?P<yq>[1-4一二三四])季度|(?P<yend>年?(?:底|末|内))"
    rf"|(?P<ym>[0-9]{{1,2}})月{_MONTH_TAIL.format(p='y')})?"
    r"|(?P<ny>[0-9]{4})[./／-](?P<nm>[0-9]{1,2})(?:[./／-](?P<nd>[0-9]{1,2}))?(?![0-9])"
    rf"|(?<![0-9.])(?P<rm>[0-9]{{1,2}})月{_MONTH_TAIL.format(p='r')}"
    r"|(?P<rhalf>上半年|下半年|年中)|第?(?P<rq>[1-4一二三四])季度"
    r"|(?P<ryear>年底|年末|年内|今年|本年|当年)"
)
_START_AFTER = re.compile(r"^(?:起|开始|以来|以后)")

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4}
_CN_DIGITS |= {"五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_YEAR = re.compile(rf"[〇○零一二三四五六七八九]{{4}}(?=年|{_RANGE_SEP})")
_CN_SMALL = re.compile(
    r"(?<![一二三四五六七八九十])([一二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九])(?=月|日|号)"
)
_QUARTER = {"1": 1, "2": 2, "3": 3, "4": 4, "一": 1, "二": 2, "三": 3, "四": 4}


def parse_deadline(text: str, *, default_year: int | None = None) -> Deadline:
    """Parse a time-limit phrase; ``phrase`` is the text as given, stripped.

    ``date`` is the latest date named and ``milestones`` the earlier ones, ascending. A month, half
    or 年底 without a year takes the year named before it in the same phrase, else
    ``default_year``; with neither it gives no date (``年内`` alone → ``None``): guessing the
    year from the clock would make the same file parse differently next year. A year followed by
    起 / 开始 is a start, not a deadline. Unparseable text gives ``date=None, ongoing=False``.
    """
    phrase = text.strip()
    compact = _normalise(phrase)
    dates = _dates(compact, default_year)
    recurring = _recurring(compact)
    ongoing = _ONGOING.search(compact) is not None
    if not dates:
        return Deadline(None, ongoing, phrase, (), recurring)
    last = max(dates)
    milestones = tuple(sorted({d for d in dates if d < last}))
    return Deadline(last, ongoing, phrase, milestones, recurring)


def _normalise(text: str) -> str:
    """Full-width to ASCII, white space out, Chinese numerals in dates to digits."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    text = _CN_YEAR.sub(lambda m: "".join(str(_CN_DIGITS[c]) for c in m.group()), text)
    return _CN_SMALL.sub(lambda m: str(_small_number(m.group())), text)


def _small_number(word: str) -> int:
    """一 … 三十一: the numbers a month or a day is written with."""
    if "十" not in word:
        return _CN_DIGITS[word]
    tens, _, units = word.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def _recurring(compact: str) -> str | None:
    m = _RECURRING.search(compact)
    if m is None:
        return None
    every = m.group("every")
    return "每" + ("季度" if every == "季" else every)


def _dates(compact: str, default_year: int | None) -> list[dt.date]:
    """Every deadline date named in the phrase, in order of writing."""
    found: list[dt.date] = []
    for m in _PATTERN.finditer(compact):
        if m.group("every") or _START_AFTER.match(compact[m.end() :]):
            continue
        date = _date_of(m, found[-1].year if found else default_year)
        if date is not None and found and date < found[-1] and _yearless(m):
            date = _next_year(date)  # 2021年10月启动，3月底前完成: the March after
        if date is not None:
            found.append(date)
    return found


def _date_of(m: re.Match[str], year: int | None) -> dt.date | None:
    """The last day of the period one match names; ``year`` serves the forms written without one."""
    g = m.group
    if g("plan"):
        return _month_end(2010 + 5 * (_small_number(g("plan")) - 11), 12)
    if g("y"):
        return _period_end(int(g("y")), g("yhalf"), g("yq"), g("ym"), g("yd"), g("yxun"))
    if g("ny"):
        return _day(int(g("ny")), int(g("nm")), g("nd"))
    if year is None:
        return None
    return _period_end(year, g("rhalf"), g("rq"), g("rm"), g("rd"), g("rxun"))


def _period_end(
    year: int,
    half: str | None,
    quarter: str | None,
    month: str | None,
    day: str | None,
    xun: str | None,
) -> dt.date | None:
    if half:
        return _month_end(year, 6 if half in ("上半年", "年中") else 12)
    if quarter:
        return _month_end(year, 3 * _QUARTER[quarter])
    if month is None:
        return _month_end(year, 12)
    if xun in ("上旬", "中旬"):
        return _day(year, int(month), "10" if xun == "上旬" else "20")
    return _day(year, int(month), day)


def _day(year: int, month: int, day: str | None) -> dt.date | None:
    """That day, or the month's last day when ``day`` is ``None`` or past it (2月30日 is a slip
    for the month's end); ``None`` for no such month or a day 0 / over 31."""
    end = _month_end(year, month)
    if day is None or end is None:
        return end
    return end.replace(day=min(int(day), end.day)) if 1 <= int(day) <= 31 else None


def _month_end(year: int, month: int) -> dt.date | None:
    if not (_MIN_YEAR <= year <= _MAX_YEAR and 1 <= month <= 12):
        return None
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _yearless(m: re.Match[str]) -> bool:
    return not (m.group("y") or m.group("ny") or m.group("plan"))


def _next_year(date: dt.date) -> dt.date | None:
    """The same period a year on (a month end stays a month end)."""
    if date.month == 2 and date.day >= 28:
        return _month_end(date.year + 1, 2)
    return _day(date.year + 1, date.month, str(date.day))
