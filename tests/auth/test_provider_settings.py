"""Provider settings are checked at start: an unknown key or a bad value stops the portal with
one line naming the provider and the key (portal/auth/settings.py)."""

from __future__ import annotations

import pytest

from portal.auth import chooser
from portal.auth.settings import ProviderSettingsError, parse_provider, parse_providers

TENANT = "9f0c5a8e-1b2c-4d3e-8f9a-0b1c2d3e4f5a"


def entry(**changes: object) -> dict:
    return {
        "name": "roskilde",
        "label": "Roskilde Kommune",
        "issuer": "https://login.roskilde.example",
        "client_id": "kkr",
        "client_secret": "s",
        "email_domains": ["roskilde.dk"],
        **changes,
    }


def test_a_complete_entry_is_read_with_its_defaults():
    provider = parse_provider(entry(), "openid email profile")

    assert provider.email_domains == ("roskilde.dk",)
    assert provider.email_claims == ("email",)
    assert provider.userinfo == "auto"
    assert provider.trust_email is False
    assert provider.binds_first_sign_in


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email_domain": ["roskilde.dk"]}, "unknown key 'email_domain'"),
        ({"trust_email": True, "email_domains": []}, "'trust_email' needs 'email_domains'"),
        ({"trust_email": "yes"}, "'trust_email' must be true or false"),
        ({"email_domains": ["not a domain"]}, "is no domain"),
        ({"email_domains": "roskilde.dk"}, "'email_domains' must be a list of strings"),
        ({"userinfo": "sometimes"}, "'userinfo' must be"),
        ({"authorize_params": {"redirect_uri": "https://evil"}}, "may not set 'redirect_uri'"),
        ({"authorize_params": {"resource": 3}}, "must map strings to strings"),
        ({"issuer": "http://login.roskilde.example"}, "must be an https address"),
        ({"scopes": "email profile"}, "must include openid"),
        ({"name": "Roskilde Kommune"}, "'name' may use"),
        (
            {"issuer": "https://login.microsoftonline.com/common/v2.0"},
            "names no tenant",
        ),
        (
            {"issuer": "https://login.microsoftonline.com/organizations/v2.0"},
            "names no tenant",
        ),
        (
            {"issuer": "https://login.microsoftonline.com/roskilde.dk/v2.0"},
            "by its id (a GUID), not 'roskilde.dk'",
        ),
        (
            {"issuer": "https://login.microsoftonline.com/{tenantid}/v2.0"},
            "needs 'tenants'",
        ),
        ({"tenants": [{"id": TENANT, "email_domains": ["a.dk"]}]}, "needs an issuer with"),
    ],
)
def test_a_bad_entry_stops_the_start_with_one_line(changes: dict, message: str):
    with pytest.raises(ProviderSettingsError) as refused:
        parse_provider(entry(**changes), "openid")

    assert message in str(refused.value)
    assert "\n" not in str(refused.value)


def test_an_entra_tenant_id_and_a_multi_tenant_template_are_accepted():
    single = parse_provider(
        entry(issuer=f"https://login.microsoftonline.com/{TENANT}/v2.0"), "openid"
    )
    template = entry(
        issuer="https://login.microsoftonline.com/{tenantid}/v2.0",
        tenants=[{"id": TENANT, "email_domains": ["roskilde.dk"], "municipalities": ["Roskilde"]}],
    )
    del template["email_domains"]
    multi = parse_provider(template, "openid")

    assert single.issuer.endswith(f"{TENANT}/v2.0")
    assert multi.metadata_url == (
        "https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration"
    )
    assert multi.vouches_for(multi.issuer_for(TENANT)) == (("roskilde.dk",), ("Roskilde",))
    assert multi.vouches_for(multi.issuer_for("0" * 8 + TENANT[8:])) == ((), ())


def test_a_name_used_twice_is_refused():
    with pytest.raises(ProviderSettingsError, match="named twice"):
        parse_providers([entry(), entry()], "openid")


def test_without_domains_a_provider_binds_no_first_sign_in():
    assert not parse_provider(entry(email_domains=[]), "openid").binds_first_sign_in


# --- the sign-in page's list and the e-mail's provider ------------------------------------


def test_the_list_has_a_line_per_municipality_in_danish_order():
    broker = parse_provider(
        entry(name="broker", municipalities=["Ørsted", "Aabenraa", "Køge Kommune", "Zealand"]),
        "openid",
    )
    own = parse_provider(entry(name="eget", label="Sekretariatets log ind"), "openid")

    labels = [e.label for e in chooser.entries([broker, own])]

    assert labels == [
        "Køge Kommune",
        "Sekretariatets log ind",
        "Zealand Kommune",
        "Ørsted Kommune",
        "Aabenraa Kommune",
    ]


def test_search_matches_every_word_and_ignores_kommune():
    providers = [parse_provider(entry(municipalities=["Holbæk", "Høje-Taastrup"]), "openid")]
    found = chooser.search(chooser.entries(providers), "holb kommune")

    assert [e.label for e in found] == ["Holbæk Kommune"]


def test_an_address_finds_the_provider_of_its_domain():
    roskilde = parse_provider(entry(), "openid")
    koege = parse_provider(entry(name="koege", email_domains=["koege.dk"]), "openid")

    assert chooser.providers_for_email([roskilde, koege], "Mayor@Koege.dk") == [koege]
    assert chooser.providers_for_email([roskilde, koege], "mayor@gmail.com") == []
