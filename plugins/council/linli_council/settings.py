"""What each community chooses for its council (``Manifest.community_settings``):
stored and shown by the core, read with :func:`linli_council.services.settings_of`."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from linli.kit import N_

#: The levels the needs ranking may group by (the community chooses one in its settings);
#: a need's place is shown to neighbours no finer than that level.
RANKING_LEVELS = {
    "estate": N_("Estate"),
    "building": N_("Building"),
    "entrance": N_("Entrance"),
}


class CouncilSettings(msgspec.Struct, kw_only=True):
    """Council settings of one community."""

    # Share of a year's topics that should be closed as resolved.
    closure_target: Annotated[
        int,
        msgspec.Meta(
            title=N_("Target share of topics closed as resolved within the year, in percent"),
            ge=1,
            le=100,
        ),
    ] = 80
    # The kind of place the needs ranking groups by, and the finest place a need shows to
    # neighbours: never a flat.
    ranking_level: Annotated[
        Literal["estate", "building", "entrance"],
        msgspec.Meta(
            title=N_("Rank needs by"),
            description=N_(
                "Neighbours see where a need is no closer than this level: never a flat."
            ),
            extra={"choices": RANKING_LEVELS},
        ),
    ] = "building"
