"""What the mediation tells other features: that a case opened or ended, and which
residents of the register are its parties, so that a resident's carers see on the care
timeline that a dispute involves them.

Nothing of the case's content leaves the plugin: no summary, category, description,
studio, mediator, party name or outcome; only the case's id and number and the register
ids of the parties who are residents (a party known only by a name or a door number is
not sent). Both are emitted in the transaction of the change. The mediation hears no
event.
"""

from __future__ import annotations

import msgspec

from linli.kit import event


@event("mediation.case_opened", version=1)
class CaseOpened(msgspec.Struct):
    """A case was opened (a resident's request or a mediator's intake). ``number`` is
    the case number the parties see (``2026-0012``); ``parties`` the register ids of
    its parties who are residents."""

    case: int
    number: str
    parties: list[int]


@event("mediation.case_closed", version=1)
class CaseClosed(msgspec.Struct):
    """A case ended in the community: closed after its follow-up, or referred
    elsewhere (which of the two is not said). ``parties`` are the register ids of its
    parties who are residents when it ended."""

    case: int
    number: str
    parties: list[int]
