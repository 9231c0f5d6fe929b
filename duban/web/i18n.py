"""The UI's languages: Simplified Chinese (the source strings) and an English catalogue.

Messages are written in Chinese in the templates and code (``_("驾驶舱")``); the English
catalogue (``locale/en/LC_MESSAGES/messages.po``, extracted with Babel) translates them. A
string missing from a catalogue shows in Chinese.
"""

from __future__ import annotations

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES = Path(__file__).parent / "locale"
LANGUAGES = ("zh", "en")


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``language`` (Chinese needs none: it is the source)."""
    path = LOCALES / language / "LC_MESSAGES" / "messages.po"
    if language == "zh" or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def pick_language(query: str | None, cookie: str | None, accept: str | None) -> str:
    """``?lang=`` first, then the cookie set by the language link; Simplified Chinese otherwise.

    The browser's Accept-Language is deliberately not followed: office PCs with an English
    browser are common, and the system speaks Chinese unless a person asks for English.
    """
    del accept
    for choice in (query, cookie):
        if choice in LANGUAGES:
            return choice
    return "zh"
