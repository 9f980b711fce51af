"""The street bank's demo data beside the register demo's partners: the street bank
knows what each of them does, so every catalogue item comes from a partner whose trade
fits it, whichever demo made the partner."""

import pytest

from linli.domain.demo import MERCHANTS, PARTNER_UNITS
from linli_streetbank import services
from linli_streetbank.demo import ITEMS, TRADES, seed
from linli_streetbank.models import CatalogueItem

pytestmark = pytest.mark.linli_plugins("streetbank")


async def test_demo_items_fit_alongside_the_register_demos_partners(linli_community):
    for name, name_en, *_rest in PARTNER_UNITS:
        await services.create_partner(
            linli_community, name=name, name_en=name_en, kind="partner_unit"
        )
    for name, name_en, *_rest in MERCHANTS:
        await services.create_partner(linli_community, name=name, name_en=name_en)
    assert {name for name, *_rest in PARTNER_UNITS + MERCHANTS} <= set(TRADES)
    await seed(linli_community)
    items = {
        item.title: item
        for item in await CatalogueItem.filter(community=linli_community).select_related("partner")
    }
    assert len(items) == len(ITEMS)
    for title, _category, *_rest, trades in ITEMS:
        assert TRADES[items[title].partner.name] in trades, title
    assert items["大米5斤"].partner.name == "兴旺粮油店"
