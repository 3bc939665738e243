"""Settings come from PORTAL_* variables; unsafe combinations refuse to start."""

from __future__ import annotations

import json

import pytest

from portal.config import (
    DEFAULTS,
    ConfigError,
    flask_config,
    load_oidc_providers,
    settings_from_environment,
)


def settings(**overrides: object) -> dict[str, object]:
    return {**DEFAULTS, **overrides}


def test_unknown_portal_variable_stops_the_start():
    with pytest.raises(ConfigError, match="PORTAL_DATABSE_URL"):
        settings_from_environment({"PORTAL_DATABSE_URL": "sqlite://"})


def test_tooling_variables_and_booleans_are_read():
    read = settings_from_environment(
        {
            "PORTAL_DEMO": "1",
            "PORTAL_REQUIRE_ALL": "1",
            "PORTAL_TEST_DATABASE_URL": "x",
            "HOME": "/",
        }
    )
    assert read["DEMO"] is True
    with pytest.raises(ConfigError):
        settings_from_environment({"PORTAL_DEMO": "maybe"})


def test_production_refuses_demo_sign_in(tmp_path):
    with pytest.raises(ConfigError, match="demo"):
        flask_config(settings(ENV="production", DEMO=True, SECRET_KEY="s"), str(tmp_path))


def test_production_needs_a_secret_key_and_gets_secure_cookies(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        flask_config(settings(ENV="production"), str(tmp_path))
    config = flask_config(settings(ENV="production", SECRET_KEY="s"), str(tmp_path))
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_keeps_its_secret_in_the_instance_folder(tmp_path):
    first = flask_config(settings(ENV="development", DEMO=True), str(tmp_path))
    second = flask_config(settings(ENV="development", DEMO=True), str(tmp_path))
    assert first["SECRET_KEY"] == second["SECRET_KEY"]
    assert len(first["SECRET_KEY"]) > 40
    assert first["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert first["SESSION_COOKIE_SECURE"] is False  # demo runs on plain http on loopback


PROVIDERS = [
    {"name": "koege", "label": "Køge Kommune", "issuer": "https://id.koege.example/",
     "client_id": "kkr", "client_secret": "s"},
    {"name": "broker", "issuer": "https://broker.example", "client_id": "kkr"},
]  # fmt: skip


def test_several_providers_from_json_or_a_file(tmp_path):
    from_json = load_oidc_providers(settings(OIDC_PROVIDERS=json.dumps(PROVIDERS)))
    path = tmp_path / "providers.json"
    path.write_text(json.dumps(PROVIDERS), encoding="utf-8")
    from_file = load_oidc_providers(settings(OIDC_PROVIDERS=str(path)))
    assert from_json == from_file
    assert [p.name for p in from_json] == ["koege", "broker"]
    assert from_json[0].issuer == "https://id.koege.example"  # trailing slash dropped
    assert from_json[1].label == "broker"
    assert from_json[1].scopes == "openid email profile"


def test_one_provider_from_three_variables():
    providers = load_oidc_providers(
        settings(OIDC_ISSUER="https://id.example", OIDC_CLIENT_ID="kkr", OIDC_CLIENT_SECRET="s")
    )
    [provider] = providers
    assert (provider.name, provider.label, provider.issuer) == (
        "default",
        "Log ind med din kommune",
        "https://id.example",
    )
    assert (provider.client_id, provider.client_secret) == ("kkr", "s")
    assert provider.scopes == "openid email profile"
    assert not provider.binds_first_sign_in  # no domains: only bindings staff made


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("[{", "not valid JSON"),
        ("/no/such/file.json", "no such file"),
        ('{"name": "x"}', "JSON list"),
        ('[{"name": "x", "issuer": "https://i"}]', "client_id"),
        ('[{"name": "a b", "issuer": "https://i", "client_id": "c"}]', "may use a-z"),
        (json.dumps([PROVIDERS[1], PROVIDERS[1]]), "named twice"),
        (json.dumps([{**PROVIDERS[1], "email_domain": ["x.dk"]}]), "unknown key 'email_domain'"),
    ],
)
def test_bad_provider_configuration_is_named(value: str, message: str):
    with pytest.raises(ConfigError, match=message):
        load_oidc_providers(settings(OIDC_PROVIDERS=value))
