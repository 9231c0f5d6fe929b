"""The unit registry: which body a plan means when it names a unit, in any of its spellings.

A plan writes one body many ways — 人力资源和社会保障局, 人力资源社会保障局, 人社局; 市教育局 in a
city plan for 中卫市教育局 — and names collectives (各县（区）人民政府) that stand for several
bodies. A ``Registry`` holds ``UnitEntry`` records and answers, for a written name, which entry it
means (``match``), what a collective stands for (``resolve``) and, for a name it does not know,
which entries come close (``propose``) so an admin can confirm or map it.

Matching never guesses: when two entries fit equally well the match is empty and both are listed
as candidates. The registry file is YAML (``load_registry`` / ``dump_registry``)::

    version: 1
    units:
    - key: zw-edu                  # stable id: ASCII letters, digits, ".", "_", "-"
      name: 中卫市教育局            # canonical full name, unique
      short: 市教育局               # optional: the name as plans write it
      aliases: [中卫市教育局, …]     # optional
      kind: department             # one of UNIT_KINDS
      parent: zw-gov               # optional key
    - key: zw-county-govs
      name: 各县（区）人民政府
      kind: collective
      members: [spt-gov, zn-gov, hy-gov]   # keys; collectives only, and required for them

Pure: no database and no I/O beyond parsing the YAML text it is given.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import yaml

from duban.domain.choices import UnitKind

# A place (沙坡头区, 中宁县) is a registry entry that ``UnitKind`` does not list (yet); the kinds
# the registry accepts are ``UnitKind``'s values plus "place".
UNIT_KINDS: tuple[str, ...] = tuple(dict.fromkeys([*(kind.value for kind in UnitKind), "place"]))
How = Literal["exact", "alias", "normalized", "prefix"]

SCHEMA_VERSION = 1
_FIELDS = ("key", "name", "short", "kind", "parent", "aliases", "members")
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")  # names are one line of text


class RegistryError(ValueError):
    """A registry (or its file) that contradicts itself; the message names the entry."""


@dataclass(frozen=True)
class UnitEntry:
    """One body, place or collective: its stable ``key``, canonical ``name`` and spellings."""

    key: str
    name: str
    short: str | None = None
    aliases: tuple[str, ...] = ()
    kind: str = "department"
    parent: str | None = None
    members: tuple[str, ...] = ()

    @property
    def forms(self) -> tuple[str, ...]:
        """Every spelling of the entry: name, short, aliases — in that order, without repeats."""
        spellings = (self.name, *((self.short,) if self.short else ()), *self.aliases)
        return tuple(dict.fromkeys(spellings))


@dataclass(frozen=True)
class Match:
    """The answer to ``Registry.match``.

    ``entry`` is the one entry meant, or ``None``; ``how`` says which rule found it. With an entry,
    ``candidates`` is ``(entry,)``; without one it lists the entries that fitted equally (two or
    more: ambiguous) or is empty (unknown).
    """

    entry: UnitEntry | None
    how: How | None
    candidates: tuple[UnitEntry, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return self.entry is None and len(self.candidates) > 1


@dataclass(frozen=True)
class Suggestion:
    """A close entry for an unknown name, with its similarity in ``[0, 1]``."""

    entry: UnitEntry
    score: float


@dataclass(frozen=True)
class Proposal:
    """A name the registry does not know, with suggestions best first (possibly none)."""

    name: str
    suggestions: tuple[Suggestion, ...]


@dataclass(frozen=True)
class _Where:
    """A normalized name cut into its place (a key), level and the rest (the stem)."""

    place: str | None
    level: str | None
    stem: str


# --- names ---------------------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")
_TRAILING_NOTE = re.compile(r"(?:\([^()]{2,}\)|等(?:部门|单位)?)$")
_INNER_AND = re.compile(r"(?<=[\u4e00-\u9fff])和(?=[\u4e00-\u9fff])")
_COMMITTEE_END = re.compile(r"委员会$")

# Level words a plan opens a name with, longest first; the value is the tier it denotes.
_LEVELS: dict[str, str] = {
    "自治区": "province",
    "县(区)": "county",
    "县区": "county",
    "区县": "county",
    "省": "province",
    "市": "city",
    "州": "city",
    "盟": "city",
    "县": "county",
    "区": "county",
    "旗": "county",
}
_NOT_LEVELS = ("市场", "市政", "市民", "区域", "县域", "区块链")
_PARTY = "中共"


def normalize_name(name: str) -> str:
    """A unit name reduced to the form two spellings of one body share.

    NFKC (full-width → half-width, Kangxi radicals from PDFs → ideographs), all white space
    removed, trailing notes dropped (``（牵头）``, ``(市技工学校)``, ``等部门`` — a bracket needs
    two or more characters, so ``县（区）`` stays), ``和`` between two ideographs dropped
    (工业和信息化局 → 工业信息化局), ``人民政府`` → ``政府`` and a final ``委员会`` → ``委``.
    Total: any string in, a string out.
    """
    text = _SPACE.sub("", unicodedata.normalize("NFKC", name))
    while (note := _TRAILING_NOTE.search(text)) and note.start() > 0:
        text = text[: note.start()]
    text = _INNER_AND.sub("", text).replace("人民政府", "政府")
    return _COMMITTEE_END.sub("委", text)


def _split_level(text: str) -> tuple[str | None, str]:
    """``(tier, rest)`` when ``text`` opens with a level word (市教育局), else ``(None, text)``."""
    if text.startswith(_NOT_LEVELS):
        return None, text
    for word, tier in _LEVELS.items():
        if text.startswith(word) and len(text) > len(word):
            return tier, text[len(word) :]
    return None, text


def _tier_of_place(name: str) -> str | None:
    """The tier a place name ends in: 中卫市 → city, 沙坡头区 → county."""
    return next((tier for word, tier in _LEVELS.items() if name.endswith(word)), None)


def _is_abbreviation(short: str, long: str) -> bool:
    """``short`` keeps the first character and order of ``long`` (人社局, 人力资源社会保障局)."""
    if len(short) < 2 or len(short) >= len(long) or short[0] != long[0]:
        return False
    rest = iter(long)
    return all(char in rest for char in short)


def name_similarity(a: str, b: str) -> float:
    """Similarity of two stems in ``[0, 1]``: difflib's ratio, at least 0.9 for an abbreviation."""
    shorter, longer = sorted((a, b), key=len)
    if _is_abbreviation(shorter, longer):
        return max(0.9, difflib.SequenceMatcher(None, a, b).ratio())
    return difflib.SequenceMatcher(None, a, b).ratio()


# --- the registry --------------------------------------------------------------------------------


def _index(pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[str, ...]]:
    """Spelling → keys having it, in registry order, without repeats."""
    found: dict[str, dict[str, None]] = {}
    for spelling, key in pairs:
        found.setdefault(spelling, {})[key] = None
    return {spelling: tuple(keys) for spelling, keys in found.items() if spelling}


class Registry:
    """An immutable, validated set of entries with lookups by spelling.

    Raises ``RegistryError`` on a repeated key or canonical name, an unknown kind, a reference to
    an unknown key, members on a non-collective, a collective without members, or a cycle.
    """

    def __init__(self, entries: Iterable[UnitEntry]) -> None:
        self._entries: dict[str, UnitEntry] = {}
        names: set[str] = set()
        for entry in entries:
            _check_entry(entry, self._entries, names)
            self._entries[entry.key] = entry
            names.add(entry.name)
        self._check_references()
        self._build_indexes()

    # -- collection protocol ---------------------------------------------------------------------

    @property
    def entries(self) -> tuple[UnitEntry, ...]:
        return tuple(self._entries.values())

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[UnitEntry]:
        return iter(self._entries.values())

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def get(self, key: str) -> UnitEntry:
        """The entry with ``key``; ``KeyError`` if there is none."""
        return self._entries[key]

    # -- queries ---------------------------------------------------------------------------------

    def match(self, name: str) -> Match:
        """The entry ``name`` means, trying in turn: exact name or short form (white space aside),
        alias, normalized spelling, then place/level prefix (``市教育局`` is the 市-level entry
        whose name ends in 教育局; a bare ``教育局`` may be any level). The first rule that finds
        anything decides: one entry is a match, several are candidates and no match. Never raises.
        """
        text, normal = _SPACE.sub("", name), normalize_name(name)
        rules: tuple[tuple[How, tuple[str, ...]], ...] = (
            ("exact", self._exact.get(text, ())),
            ("alias", self._alias.get(text, ())),
            ("normalized", self._normal.get(normal, ())),
            ("prefix", self._by_stem(self._locate(normal))),
        )
        for how, keys in rules:
            if len(keys) == 1:
                entry = self._entries[keys[0]]
                return Match(entry, how, (entry,))
            if keys:
                return Match(None, None, tuple(self._entries[key] for key in keys))
        return Match(None, None, ())

    def resolve(self, key: str) -> tuple[UnitEntry, ...]:
        """A collective's members, collectives among them expanded, in order and without repeats;
        any other entry resolves to itself. ``KeyError`` for an unknown key."""
        entry = self._entries[key]
        if entry.kind != "collective":
            return (entry,)
        found = dict.fromkeys(unit for member in entry.members for unit in self.resolve(member))
        return tuple(found)

    def propose(
        self, names: Iterable[str], *, limit: int = 5, cutoff: float = 0.5
    ) -> list[Proposal]:
        """One proposal per distinct name (in order) that has no match; blank names are skipped.

        Suggestions are entries whose spellings score at least ``cutoff`` by ``name_similarity``
        on stems (place and level cut off), a score lowered by a quarter when the name's place or
        level does not fit the entry; best first, ties in registry order, at most ``limit``.
        """
        wanted = dict.fromkeys(n for n in names if n.strip() and self.match(n).entry is None)
        return [Proposal(name, self._suggest(name, limit, cutoff)) for name in wanted]

    # -- internals -------------------------------------------------------------------------------

    def _check_references(self) -> None:
        for entry in self._entries.values():
            for ref in (*((entry.parent,) if entry.parent else ()), *entry.members):
                if ref not in self._entries or ref == entry.key:
                    raise RegistryError(f"{entry.key}: refers to unknown or own key {ref!r}")
            self._check_acyclic(entry.key, ())

    def _check_acyclic(self, key: str, path: tuple[str, ...]) -> None:
        """Neither parents nor memberships may lead back to an entry on the path."""
        if key in path:
            raise RegistryError(f"{path[0]}: cycle through {' → '.join((*path, key))}")
        entry = self._entries[key]
        for ref in (*((entry.parent,) if entry.parent else ()), *entry.members):
            self._check_acyclic(ref, (*path, key))

    def _build_indexes(self) -> None:
        entries = self._entries.values()
        own = [(e.name, e.key) for e in entries] + [(e.short, e.key) for e in entries if e.short]
        self._exact = _index((_SPACE.sub("", spelling), key) for spelling, key in own)
        self._alias = _index((_SPACE.sub("", a), e.key) for e in entries for a in e.aliases)
        self._normal = _index((normalize_name(f), e.key) for e in entries for f in e.forms)
        places = [(normalize_name(f), e.key) for e in entries if e.kind == "place" for f in e.forms]
        unique = {form: keys[0] for form, keys in _index(places).items() if len(keys) == 1}
        self._places = sorted(unique.items(), key=lambda item: -len(item[0]))
        self._tiers = {k: _tier_of_place(self._entries[k].name) for k in unique.values()}
        wheres = {e.key: [self._locate(normalize_name(f)) for f in e.forms] for e in entries}
        self._homes = {key: self._home(found) for key, found in wheres.items()}
        self._stems = _index((w.stem, key) for key, found in wheres.items() for w in found)

    def _locate(self, text: str) -> _Where:
        """Cut a normalized name into place, tier and stem: 中共中卫市委组织部 → zw, city, 委组织部.
        A name with neither place nor level is all stem."""
        rest = text.removeprefix(_PARTY) or text
        for form, key in self._places:
            if rest.startswith(form):
                return _Where(key, self._tiers[key], rest[len(form) :])
        tier, stem = _split_level(rest)
        return _Where(None, tier, stem) if tier else _Where(None, None, text)

    @staticmethod
    def _home(wheres: list[_Where]) -> _Where:
        """Where an entry sits: the first place any spelling names, else the first tier."""
        place = next((w for w in wheres if w.place), None)
        return place or next((w for w in wheres if w.level), _Where(None, None, ""))

    def _fits(self, where: _Where, key: str) -> bool:
        """Whether an entry's home agrees with the place or level a name opens with."""
        home = self._homes[key]
        if where.place and home.place:
            return where.place == home.place
        return where.level is None or home.level in (None, where.level)

    def _by_stem(self, where: _Where) -> tuple[str, ...]:
        keys = self._stems.get(where.stem, ()) if where.stem else ()
        return tuple(key for key in keys if self._fits(where, key))

    def _suggest(self, name: str, limit: int, cutoff: float) -> tuple[Suggestion, ...]:
        where = self._locate(normalize_name(name))
        scores: dict[str, float] = {}
        for stem, keys in self._stems.items():
            score = name_similarity(where.stem, stem)
            for key in keys:
                fitted = score if self._fits(where, key) else score * 0.75
                scores[key] = max(scores.get(key, 0.0), fitted)
        ranked = sorted((k for k, s in scores.items() if s >= cutoff), key=lambda k: -scores[k])
        return tuple(Suggestion(self._entries[k], round(scores[k], 3)) for k in ranked[:limit])


def _check_entry(entry: UnitEntry, seen: Mapping[str, UnitEntry], names: set[str]) -> None:
    """Checks one entry on its own and against those before it (``seen`` by key, their names)."""
    problem = (
        "key must be ASCII letters, digits, '.', '_' or '-'" if not _KEY.match(entry.key) else
        f"repeated key {entry.key!r}" if entry.key in seen else
        "name is blank" if not entry.name.strip() else
        f"repeated name {entry.name!r}" if entry.name in names else
        "a spelling holds a control character or line break"
        if any(_CONTROL.search(form) for form in entry.forms) else
        f"unknown kind {entry.kind!r}" if entry.kind not in UNIT_KINDS else
        "only a collective has members" if entry.members and entry.kind != "collective" else
        "a collective needs members" if entry.kind == "collective" and not entry.members else
        None
    )  # fmt: skip
    if problem:
        raise RegistryError(f"{entry.key or entry.name}: {problem}")


# --- the registry file ---------------------------------------------------------------------------


def load_registry(yaml_text: str) -> Registry:
    """Build a registry from its YAML file (schema in the module docstring); ``safe_load`` only.

    Raises ``RegistryError`` naming the entry for malformed YAML, a wrong shape, an unknown field
    or any check of ``Registry``.
    """
    try:
        data = yaml.safe_load(yaml_text)
    except yaml.YAMLError as error:
        raise RegistryError(f"not YAML: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("units"), list):
        raise RegistryError("expected a mapping with a list under 'units'")
    if data.get("version", SCHEMA_VERSION) != SCHEMA_VERSION or set(data) - {"version", "units"}:
        raise RegistryError(f"expected version {SCHEMA_VERSION} and only 'version' and 'units'")
    return Registry(_entry_from(item, number) for number, item in enumerate(data["units"], 1))


def _entry_from(item: Any, number: int) -> UnitEntry:
    """One ``units`` item → ``UnitEntry``; ``number`` (1-based) names it in errors."""
    where = f"unit {number}"
    if not isinstance(item, dict):
        raise RegistryError(f"{where}: expected a mapping")
    where = f"unit {number} ({item.get('key')})"
    if unknown := set(item) - set(_FIELDS):
        raise RegistryError(f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
    key, name, kind, short, parent = (
        item.get(f) for f in ("key", "name", "kind", "short", "parent")
    )
    aliases, members = item.get("aliases") or [], item.get("members") or []
    if not (isinstance(key, str) and isinstance(name, str) and isinstance(kind, str)):
        raise RegistryError(f"{where}: key, name and kind are required strings")
    if not all(v is None or isinstance(v, str) for v in (short, parent)):
        raise RegistryError(f"{where}: short and parent must be strings")
    if not all(
        isinstance(v, list) and all(isinstance(s, str) for s in v) for v in (aliases, members)
    ):
        raise RegistryError(f"{where}: aliases and members must be lists of strings")
    return UnitEntry(key, name, short, tuple(aliases), kind, parent, tuple(members))


class _Dumper(yaml.SafeDumper):
    """SafeDumper writing tuples as one-line lists: ``aliases: [市发改委, 市发展改革委]``."""


def _flow_list(dumper: yaml.SafeDumper, data: tuple[str, ...]) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)


_Dumper.add_representer(tuple, _flow_list)


def dump_registry(registry: Registry) -> str:
    """The registry as YAML that ``load_registry`` reads back to equal entries (empty fields and
    ``None`` are left out; fields in schema order)."""
    units = [
        {f: getattr(entry, f) for f in _FIELDS if getattr(entry, f) not in (None, ())}
        for entry in registry
    ]
    document = {"version": SCHEMA_VERSION, "units": units}
    return yaml.dump(document, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096)
