"""Every message of the UI has Danish, so that no English shows on a Danish page.

The messages are extracted from the source as `make translations` does (babel.cfg), and held
against the merged Danish tables (scripts/translations_da*.py) and the catalog that is shipped
(messages.po): a message without Danish, with Danish that drops or invents a placeholder, or
with Danish not yet merged into the catalog, fails here."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _tables():
    spec = importlib.util.spec_from_file_location(
        "translations_da", ROOT / "scripts/translations_da.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.all_translations()


def _extracted() -> set[str | tuple[str, str]]:
    with open(ROOT / "babel.cfg") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: set[str | tuple[str, str]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=DEFAULT_KEYWORDS
    ):
        found.add(tuple(message) if isinstance(message, tuple | list) else message)
    return found


@pytest.fixture(scope="module")
def extracted() -> set[str | tuple[str, str]]:
    return _extracted()


@pytest.fixture(scope="module")
def danish():
    return _tables()


def _forms(message) -> list[str]:
    return list(message) if isinstance(message, tuple) else [message]


def test_every_message_has_danish(extracted, danish) -> None:
    missing = sorted((m for m in extracted if m not in danish), key=str)
    assert missing == [], "Add Danish to scripts/translations_da_<part>.py: " + repr(missing)


def test_plural_messages_have_both_danish_forms(extracted, danish) -> None:
    for message in extracted:
        if isinstance(message, tuple):
            text = danish.get(message)
            assert isinstance(text, tuple) and len(text) == 2 and all(text), message


def test_the_danish_keeps_the_placeholders(extracted, danish) -> None:
    for message in extracted:
        if message not in danish:
            continue
        english = {name for form in _forms(message) for name in PLACEHOLDER.findall(form)}
        text = _forms(danish[message])
        names = {name for form in text for name in PLACEHOLDER.findall(form)}
        assert names == english, message
        if english:  # formatted with %: a lone "%" would fail at run time
            for form in text:
                form % {name: "x" for name in english}


def test_the_shipped_catalog_holds_the_danish(extracted, danish) -> None:
    """`make translations` has been run since the last change of text."""
    with open(ROOT / "telemon/translations/da/LC_MESSAGES/messages.po", "rb") as f:
        catalog = read_po(f, locale="da")
    stale = []
    for message in extracted:
        entry = catalog.get(message[0] if isinstance(message, tuple) else message)
        if entry is None or message not in danish:
            stale.append(message)
            continue
        shipped = tuple(entry.string) if isinstance(entry.string, tuple | list) else entry.string
        if shipped != danish[message]:
            stale.append(message)
    assert stale == [], "Run `make translations`: " + repr(sorted(stale, key=str))


def test_every_message_of_the_template_has_a_danish_msgstr() -> None:
    """The catalog as shipped: each msgid of messages.pot has Danish in da/messages.po (and
    every plural form of it), so that no message shows in English on a Danish page."""
    with open(ROOT / "telemon/translations/messages.pot", "rb") as f:
        template = read_po(f)
    with open(ROOT / "telemon/translations/da/LC_MESSAGES/messages.po", "rb") as f:
        catalog = read_po(f, locale="da")
    untranslated = []
    for message in template:
        if not message.id:
            continue
        entry = catalog.get(message.id)
        forms = (
            _forms(tuple(entry.string))
            if entry and entry.pluralizable
            else [entry and entry.string]
        )
        if entry is None or entry.fuzzy or not all(forms):
            untranslated.append(message.id)
    assert untranslated == [], "Add Danish and run `make translations`: " + repr(untranslated)
