"""Forms of the minutes editor (rules 3.4, 3.7)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional

from portal.agendas.models import ChairVote, ItemMinutes
from portal.forms import PortalForm
from portal.minutes.operations import DECISION_MAX

NOT_NEGATIVE = NumberRange(min=0, message=_l("Antal stemmer kan ikke være negativt."))


class ItemMinutesForm(PortalForm):
    """The minutes of one item. Each item's form on the page has its own prefix (field ids
    stay unique); the result of a vote is computed, so there is no field for it."""

    decision = TextAreaField(_l("Beslutning"), validators=[Optional(), Length(max=DECISION_MAX)])
    votes_for = IntegerField(_l("For"), validators=[Optional(), NOT_NEGATIVE])
    votes_against = IntegerField(_l("Imod"), validators=[Optional(), NOT_NEGATIVE])
    votes_abstaining = IntegerField(
        _l("Hverken for eller imod"), validators=[Optional(), NOT_NEGATIVE]
    )
    # Rule 3.7: only used on a tie, where the leader's vote for or against decides.
    chair_vote = RadioField(
        _l("Mødelederens stemme ved stemmelighed"),
        choices=[
            SelectChoice("", _l("Ikke angivet")),
            SelectChoice(ChairVote.FOR.value, _l("For")),
            SelectChoice(ChairVote.AGAINST.value, _l("Imod")),
            SelectChoice(ChairVote.ABSTAIN.value, _l("Undlod at stemme")),
            SelectChoice(ChairVote.DID_NOT_VOTE.value, _l("Stemte ikke")),
        ],
        default="",
    )
    # The version the editor started from ("" when nothing was recorded yet).
    version = HiddenField()

    @classmethod
    def for_item(
        cls, item_id: int, minutes: ItemMinutes | None, *, formdata: bool
    ) -> ItemMinutesForm:
        """The form of one item: as stored (GET, or another item's form), or as posted."""
        prefix = f"item-{item_id}"
        if formdata:
            return cls(prefix=prefix)
        form = cls(prefix=prefix, formdata=None, obj=minutes)
        form.chair_vote.data = minutes.chair_vote.value if minutes and minutes.chair_vote else ""
        form.version.data = str(minutes.version) if minutes else ""
        return form

    def chair_vote_value(self) -> ChairVote | None:
        return ChairVote(self.chair_vote.data) if self.chair_vote.data else None

    def version_value(self) -> int | None:
        value = (self.version.data or "").strip()
        return int(value) if value.isdigit() else None
