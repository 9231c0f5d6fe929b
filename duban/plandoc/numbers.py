"""Numbers as plans write them: ``50``, ``1,200``, ``1.2万``, ``两``, ``十二``, ``二〇二一``.

``parse_number`` turns one such token into a float; ``NUMBER`` is the pattern that finds tokens in
running text. Chinese numerals are read with ``cn2an``; a run of bare digits (``二〇二一``) is read
digit by digit, as years are written. Pure: no I/O.
"""

from __future__ import annotations

import re

import cn2an

CN_DIGITS = "零〇一二两三四五六七八九"
CN_DIGIT_VALUE = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
CN_NUMERAL_CHARS = CN_DIGITS + "十百千万亿"
MULTIPLIERS = {"十": 10.0, "百": 100.0, "千": 1000.0, "万": 10_000.0, "亿": 100_000_000.0}

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")

# A Chinese numeral must start with a digit or 十: a bare 百/千/万 starts idioms (千家万户, 万众).
_CN_NUMBER = rf"[{CN_DIGITS}十][{CN_NUMERAL_CHARS}]*"
_ARABIC = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
NUMBER = rf"(?:{_ARABIC}\s*[万亿千]?|{_CN_NUMBER})"
"""One number token: arabic with an optional 万/亿/千 multiplier, or a Chinese numeral."""

_ARABIC_FULL = re.compile(rf"({_ARABIC})\s*([十百千万亿]*)")


def parse_number(s: str) -> float | None:
    """The value of one number token, or ``None`` when ``s`` is not a number.

    ``1万`` → 10000, ``1.5`` → 1.5, ``两`` → 2, ``十二`` → 12, ``二〇二一`` → 2021. Never raises.
    """
    s = s.strip().translate(_FULLWIDTH)
    if not s:
        return None
    arabic = _ARABIC_FULL.fullmatch(s)
    if arabic:
        value = float(arabic.group(1).replace(",", ""))
        for ch in arabic.group(2):
            value *= MULTIPLIERS[ch]
        return value
    if all(ch in CN_DIGIT_VALUE for ch in s):
        # 二〇二一: digits written one by one, the way years are
        return float("".join(str(CN_DIGIT_VALUE[ch]) for ch in s))
    if all(ch in CN_NUMERAL_CHARS for ch in s):
        return _cn2an(s)
    return None


def _cn2an(s: str) -> float | None:
    try:
        value = cn2an.cn2an(s, "normal")
    except (ValueError, KeyError, IndexError, TypeError):
        return None  # cn2an rejects ill-formed numerals (十四五) with ValueError
    return float(value)
