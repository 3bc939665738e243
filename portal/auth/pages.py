"""What the sign-in pages say about a provider's error codes (RFC 6749 4.1.2.1, OpenID Core
3.1.2.6): each its own Danish text, so that a person knows whether to retry or whom to ask."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class ProviderErrorText:
    code: str
    title: str
    text: str
    # Whether trying again may help; otherwise the municipality's IT must change something.
    retry: bool


_TEXTS = {
    "access_denied": (
        _l("Log ind blev afbrudt"),
        _l("Du afbrød log ind, eller din kommunes log ind gav ikke adgang til portalen."),
        True,
    ),
    "temporarily_unavailable": (
        _l("Kommunens log ind er midlertidigt utilgængeligt"),
        _l("Din kommunes log ind kan ikke svare lige nu. Prøv igen om nogle minutter."),
        True,
    ),
    "server_error": (
        _l("Der skete en fejl hos kommunens log ind"),
        _l("Din kommunes log ind meldte en fejl hos sig selv. Prøv igen om lidt."),
        True,
    ),
    "invalid_scope": (
        _l("Kommunens log ind afviste portalens forespørgsel"),
        _l(
            "Din kommunes log ind vil ikke udlevere de oplysninger, portalen beder om. "
            "Det skal rettes i kommunens opsætning af portalen."
        ),
        False,
    ),
    "unauthorized_client": (
        _l("Portalen er ikke godkendt hos kommunens log ind"),
        _l("Din kommunes log ind kender ikke portalen eller har ikke givet den adgang."),
        False,
    ),
    "invalid_request": (
        _l("Kommunens log ind afviste portalens forespørgsel"),
        _l("Din kommunes log ind forstod ikke portalens forespørgsel. Det er en opsætningsfejl."),
        False,
    ),
    "unsupported_response_type": (
        _l("Portalen er ikke sat rigtigt op hos kommunens log ind"),
        _l("Din kommunes log ind understøtter ikke den måde, portalen logger ind på."),
        False,
    ),
    "login_required": (
        _l("Du skal logge ind hos din kommune"),
        _l("Din kommunes log ind kræver, at du logger ind igen. Prøv igen."),
        True,
    ),
    "interaction_required": (
        _l("Din kommunes log ind kræver et svar fra dig"),
        _l("Prøv igen, og svar på det, din kommunes log ind spørger om."),
        True,
    ),
    "consent_required": (
        _l("Portalen mangler dit samtykke"),
        _l("Din kommunes log ind beder dig give portalen adgang. Prøv igen, og giv samtykke."),
        True,
    ),
    "account_selection_required": (
        _l("Vælg din konto"),
        _l("Din kommunes log ind beder dig vælge en konto. Prøv igen, og vælg din arbejdskonto."),
        True,
    ),
}


def provider_error_text(code: str) -> ProviderErrorText:
    if code in _TEXTS:
        title, text, retry = _TEXTS[code]
        return ProviderErrorText(code, str(title), str(text), retry)
    return ProviderErrorText(
        code,
        str(_l("Kommunens log ind meldte en fejl")),
        str(_l("Din kommunes log ind sendte fejlkoden nedenfor i stedet for at logge dig ind.")),
        True,
    )
