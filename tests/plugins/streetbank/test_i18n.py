"""Acceptance 5: every message the street bank shows exists in Chinese (ids are
English), with the placeholders of its id; what a community named in both languages
shows in the reader's."""

from pathlib import Path

import pytest

import linli_streetbank
from linli.testing import log_in, missing_translations, placeholder_mismatches
from linli_streetbank import services

PACKAGE = Path(linli_streetbank.__file__).parent


def test_every_message_is_translated_into_chinese():
    assert missing_translations(PACKAGE) == []


def test_placeholders_survive_translation():
    assert placeholder_mismatches(PACKAGE) == []


@pytest.mark.linli_plugins("streetbank")
async def test_a_credited_service_is_named_in_the_reader_s_language(linli_client, bank):
    """An entry's memo keeps the category's name as it was written ("助老服务 × 10");
    the resident's history and the ledger name the service in the reader's language,
    and a quantity of ten or more is written out (not 1E+1)."""
    await services.save_category(
        bank.community, key="elder-care", name="助老服务", name_en="Elder care", rate=10
    )
    await bank.earn(bank.resident, 10, "ten")
    await log_in(linli_client, "zhang")
    chinese = await linli_client.get("/c/test/streetbank/me")
    assert "助老服务 × 10" in chinese.text
    linli_client.cookies.set("linli_lang", "en")
    english = await linli_client.get("/c/test/streetbank/me")
    assert "Elder care × 10" in english.text and "助老服务" not in english.text
    await log_in(linli_client, "worker")
    linli_client.cookies.set("linli_lang", "en")
    ledger = await linli_client.get("/c/test/streetbank/worker/ledger")
    assert "Elder care × 10" in ledger.text and "助老服务" not in ledger.text


@pytest.mark.linli_plugins("streetbank")
async def test_the_catalogue_filter_names_partners_in_the_reader_s_language(linli_client, bank):
    bank.partner.name_en = "Hanxing Street Barber"
    await bank.partner.save()
    await log_in(linli_client, "zhang")
    linli_client.cookies.set("linli_lang", "en")
    english = await linli_client.get("/c/test/streetbank/catalogue")
    assert f'<option value="{bank.partner.id}" >Hanxing Street Barber</option>' in english.text
    linli_client.cookies.set("linli_lang", "zh_CN")
    chinese = await linli_client.get("/c/test/streetbank/catalogue")
    assert f'<option value="{bank.partner.id}" >汉兴街老王理发店</option>' in chinese.text
