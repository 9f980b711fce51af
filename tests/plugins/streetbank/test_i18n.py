"""Acceptance 5: every message the street bank shows exists in Chinese (ids are
English), with the placeholders of its id."""

from pathlib import Path

import linli_streetbank
from linli.testing import missing_translations, placeholder_mismatches

PACKAGE = Path(linli_streetbank.__file__).parent


def test_every_message_is_translated_into_chinese():
    assert missing_translations(PACKAGE) == []


def test_placeholders_survive_translation():
    assert placeholder_mismatches(PACKAGE) == []
