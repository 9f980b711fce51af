"""What each community chooses for its requests (``Manifest.community_settings``):
stored and shown by the core, read with :func:`linli_requests.services.settings_of`.
The categories and the statuses are data, with their own pages."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from linli.kit import N_

WEEKDAYS = {
    1: N_("Monday"),
    2: N_("Tuesday"),
    3: N_("Wednesday"),
    4: N_("Thursday"),
    5: N_("Friday"),
}


class RequestsSettings(msgspec.Struct, kw_only=True):
    """Requests settings of one community."""

    confirm_after_days: Annotated[
        int,
        msgspec.Meta(
            title=N_("Ask the reporter “is it really fixed?” this many days after “fixed”"),
            ge=1,
            le=30,
        ),
    ] = 3
    reopen_days: Annotated[
        int,
        msgspec.Meta(
            title=N_("A reporter may reopen a request this many days after it was closed"),
            ge=1,
            le=365,
        ),
    ] = 30
    meeting_weekday: Annotated[
        Literal[1, 2, 3, 4, 5],
        msgspec.Meta(title=N_("The weekly round-table meets on"), extra={"choices": WEEKDAYS}),
    ] = 2
    meeting_location: Annotated[
        str, msgspec.Meta(title=N_("Where the round-table meets"), max_length=200)
    ] = "党群服务中心"
    api_enabled: Annotated[
        bool, msgspec.Meta(title=N_("Answer the Open311 API for this community"))
    ] = True
