"""The English catalogue: every UI message translated, and label tables in the catalogue."""

from __future__ import annotations

from babel.messages.pofile import read_po

from duban.domain import choices
from duban.permissions import ROLE_LABELS
from duban.queries.audit_log import ACTION_LABELS
from duban.web.i18n import LOCALES, translations
from duban.web.labels import LABELS


def test_every_message_of_the_english_catalogue_is_translated() -> None:
    with (LOCALES / "en" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [m.id for m in catalog if m.id and not m.string]
    assert untranslated == []
    assert translations("en").gettext("驾驶舱") == "Dashboard"


def test_label_tables_are_listed_for_extraction() -> None:
    tables = [getattr(choices, n) for n in dir(choices) if n.endswith("_LABELS")]
    words = {w for t in [*tables, ROLE_LABELS, ACTION_LABELS] for w in t.values()}
    assert words <= set(LABELS)
