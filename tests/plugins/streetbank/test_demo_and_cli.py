"""Demo data that verifies, and ``linli streetbank verify`` on a real instance folder."""

import asyncio
import sys
import time

import pytest

from linli_streetbank import services
from linli_streetbank.demo import seed
from linli_streetbank.models import CatalogueItem, LedgerAccount, Partner

pytestmark = pytest.mark.linli_plugins("streetbank")


async def test_demo_data_is_a_year_of_history_that_verifies(linli_community):
    started = time.perf_counter()
    lines = await seed(linli_community)
    elapsed = time.perf_counter() - started
    assert await Partner.filter(community=linli_community).count() == 32
    assert await CatalogueItem.filter(community=linli_community).count() == 56
    report = await services.verify_ledger()
    assert report.ok, report.lines()
    data = await services.figures(linli_community, services.now_utc().year)
    yearly = sum(redeemed for _, _, redeemed in data.years)
    assert 12_500 <= yearly <= 15_500, lines
    assert elapsed < 30, elapsed


async def test_verify_command_exits_non_zero_on_a_broken_ledger(
    linli_settings, linli_community, tmp_path, monkeypatch
):
    from datetime import date

    from linli.kit import Person

    category = await services.save_category(linli_community, key="help", name="帮忙", rate=5)
    person = await Person.create(community=linli_community, name="张阿姨")
    await services.record_service(
        linli_community, person=person, category=category, quantity=2,
        served_on=date(2026, 3, 1), key="k", actor=None,
    )  # fmt: skip
    folder = tmp_path / "instance"
    folder.mkdir()
    monkeypatch.setenv("LINLI_DATABASE_URL", linli_settings.database_url)
    monkeypatch.setenv("LINLI_LOAD_PLUGINS", "streetbank")
    monkeypatch.setenv("LINLI_SECRET_KEY", "k" * 40)
    code, output = await _invoke(folder)
    assert code == 0, output
    assert "ledger OK" in output
    await LedgerAccount.filter(kind="person").update(balance=1)
    code, output = await _invoke(folder)
    assert code == 1, output
    assert "cached balance 1 but postings sum to 10" in output


async def _invoke(folder):
    """Run the real command in its own process, as an operator would."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "linli", "--instance", str(folder), "streetbank", "verify",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await process.communicate()
    return process.returncode, output.decode()


async def test_the_demo_resident_logs_in_to_a_history_and_a_balance(linli_client, linli_community):
    from linli.kit import Person, create_account
    from linli.testing import log_in, make_person

    # A register of 150 before the demo resident: the demo's earners are the first half.
    await Person.bulk_create(
        [Person(community_id=linli_community.id, name=f"居民{n}") for n in range(150)]
    )
    person = await make_person(linli_community, "苏志强")
    await create_account("resident", "linli-demo-pw", person=person)
    await seed(linli_community)  # grants the demo roles and records a year of services
    await log_in(linli_client, "resident", "linli-demo-pw")
    page = await linli_client.get("/c/test/streetbank/me")
    balance = await services.balance_of(person)
    assert balance > 0
    assert f'<span class="sb-number">{balance}</span>' in page.text
