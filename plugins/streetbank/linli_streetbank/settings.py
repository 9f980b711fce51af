"""What each community chooses for its street bank (``Manifest.community_settings``):
stored and shown by the core, read with :func:`linli_streetbank.services.settings_of`."""

from __future__ import annotations

from typing import Annotated

import msgspec

from linli.kit import N_

#: The most points one manual correction may move, and so the highest limit of one.
MAX_ADJUSTMENT = 100_000


class BankSettings(msgspec.Struct, kw_only=True):
    """Street bank settings of one community."""

    expiry_enabled: Annotated[
        bool,
        msgspec.Meta(
            title=N_("Unused points expire at the end of the year after the year they were earned")
        ),
    ] = False
    voucher_days: Annotated[
        int, msgspec.Meta(title=N_("Days a voucher stays valid"), ge=1, le=365)
    ] = 14
    # A correction larger than this (in points, either way) waits for a second person's
    # approval; so does one that would take a clerk past the daily total.
    adjust_limit: Annotated[
        int,
        msgspec.Meta(
            title=N_("Points a worker may correct at once without approval"),
            description=N_(
                "A correction above these limits waits for approval by a second person "
                "who holds the approval permission."
            ),
            ge=0,
            le=MAX_ADJUSTMENT,
        ),
    ] = 50
    adjust_daily_limit: Annotated[
        int,
        msgspec.Meta(
            title=N_("Points a worker may correct in a day without approval"),
            ge=0,
            le=MAX_ADJUSTMENT,
        ),
    ] = 200
