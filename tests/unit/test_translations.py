"""Every message of the UI has Danish, so that no English shows on a Danish page.

The Danish catalog (telemon/translations/da/LC_MESSAGES/messages.po) is the source of the
Danish text: translators edit it with their own tools (Poedit, Weblate) or by hand, and `make
translations` extracts the messages and merges them into it. The messages are extracted here as
`make translations` does (babel.cfg) and held against that catalog: a message missing from it,
left without Danish, marked fuzzy, missing a plural form, or with Danish that drops or invents a
placeholder fails here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "telemon/translations/da/LC_MESSAGES/messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
MessageId = str | tuple[str, str]


def _extracted() -> set[MessageId]:
    with open(ROOT / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: set[MessageId] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords={**DEFAULT_KEYWORDS, "N_": None}
    ):
        found.add(tuple(message) if isinstance(message, tuple | list) else message)
    return found


@pytest.fixture(scope="module")
def extracted() -> set[MessageId]:
    return _extracted()


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    with open(CATALOG, "rb") as f:
        return read_po(f, locale="da")


def _forms(value: object) -> list[str]:
    return list(value) if isinstance(value, tuple | list) else [value]  # type: ignore[list-item]


def _entry(catalog: Catalog, message: MessageId) -> Message | None:
    return catalog.get(message[0] if isinstance(message, tuple) else message)


def test_every_message_is_in_the_catalog(extracted, catalog) -> None:
    missing = sorted((m for m in extracted if _entry(catalog, m) is None), key=str)
    assert missing == [], "Run `make translations` and add the Danish: " + repr(missing)


def test_every_message_has_danish(extracted, catalog) -> None:
    untranslated = []
    for message in extracted:
        entry = _entry(catalog, message)
        if entry is None:
            continue  # reported above
        if entry.fuzzy or not all(_forms(entry.string)):
            untranslated.append(message)
    assert untranslated == [], (
        f"Add the Danish (not fuzzy) to {CATALOG.relative_to(ROOT)}: "
        + repr(sorted(untranslated, key=str))
    )


def test_plural_messages_have_both_danish_forms(extracted, catalog) -> None:
    for message in extracted:
        entry = _entry(catalog, message)
        if isinstance(message, tuple) and entry is not None:
            assert entry.pluralizable, f"{message!r}: the catalog holds it without plural forms"
            text = _forms(entry.string)
            assert len(text) == 2 and all(text), message


def test_the_danish_keeps_the_placeholders(extracted, catalog) -> None:
    for message in extracted:
        entry = _entry(catalog, message)
        if entry is None or not all(_forms(entry.string)):
            continue
        english = {name for form in _forms(message) for name in PLACEHOLDER.findall(form)}
        text = _forms(entry.string)
        names = {name for form in text for name in PLACEHOLDER.findall(form)}
        assert names == english, message
        if english:  # formatted with %: a lone "%" would fail at run time
            for form in text:
                form % {name: "x" for name in english}


def test_the_template_holds_what_the_code_says(extracted) -> None:
    """`make translations` has been run since the last change of text: messages.pot, which
    translators' tools read, lists exactly the messages of the code."""
    with open(ROOT / "telemon/translations/messages.pot", "rb") as f:
        template = read_po(f)
    listed = {tuple(m.id) if isinstance(m.id, tuple | list) else m.id for m in template if m.id}
    assert listed == extracted, "Run `make translations`: " + repr(
        sorted(listed.symmetric_difference(extracted), key=str)
    )
