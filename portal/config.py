"""Settings: defaults in code, overrides from PORTAL_* environment variables.

An unknown PORTAL_* variable stops the start, so a typo in a deployment never goes unnoticed.
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from portal.auth.settings import Provider, ProviderSettingsError, parse_providers

# The UI languages: Danish first, English second.
SUPPORTED_LOCALES = ("da", "en")


class ConfigError(RuntimeError):
    """The portal cannot start with these settings."""


# Every setting the portal reads, with its default. Environment: PORTAL_<KEY>.
DEFAULTS: dict[str, Any] = {
    # "production" refuses demo sign-in and insists on a real secret key.
    "ENV": "production",
    "DEMO": False,
    "SECRET_KEY": None,
    "DATABASE_URL": None,  # default: SQLite file in the instance folder
    # OpenID Connect: either a list of providers (JSON, or a path to a JSON file) ...
    "OIDC_PROVIDERS": None,
    # ... or one provider given by these three.
    "OIDC_ISSUER": None,
    "OIDC_CLIENT_ID": None,
    "OIDC_CLIENT_SECRET": None,
    "OIDC_SCOPES": "openid email profile",
    "OIDC_LABEL": "Log ind med din kommune",
    # Seconds for each call to a provider: a slow one never holds a worker for long.
    "OIDC_TIMEOUT": "5",
    # Seconds of clock difference accepted between a provider and the portal.
    "OIDC_LEEWAY": "300",
    # A session ends after this long unused, and this long after sign-in in any case.
    "SESSION_IDLE_MINUTES": "120",
    "SESSION_MAX_HOURS": "12",
    # Whom a person who is not registered should contact.
    "CONTACT_EMAIL": "kkr-sekretariat@example.org",
    "DEFAULT_TIMEZONE": "Europe/Copenhagen",
    # Where links in e-mails and calendar feeds point.
    "BASE_URL": "http://127.0.0.1:5000",
    # E-mail. Without SMTP_HOST, e-mails are written to instance/outbox/ as .eml files.
    "SMTP_HOST": None,
    "SMTP_PORT": "25",
    "SMTP_USERNAME": None,
    "SMTP_PASSWORD": None,
    "SMTP_SECURITY": "none",  # none, starttls or ssl
    "MAIL_FROM": "kkr-portal@example.org",
    "EMAIL_MAX_ATTEMPTS": "8",
    # Attachments (proposals, agenda items); default: instance/uploads. Never under static/.
    "UPLOAD_FOLDER": None,
    # Sign-in start and provider callback: attempts a minute per client address and endpoint,
    # counted per process (portal/ratelimit.py); 0 turns the brake off.
    "SIGN_IN_RATE_LIMIT": "20",
    # Reverse proxies in front that append to X-Forwarded-For; 0: the header is ignored.
    "TRUSTED_PROXIES": "0",
}

# Read by the test suite and CI, not by the portal; listed so they are not "unknown".
TOOLING_KEYS = {"TEST_DATABASE_URL", "REQUIRE_ALL"}

BOOLEAN_KEYS = {"DEMO"}


def _parse_bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ConfigError(f"PORTAL_{name} must be 1 or 0, not {raw!r}")


def settings_from_environment(environ: dict[str, str] | None = None) -> dict[str, Any]:
    environ = dict(os.environ if environ is None else environ)
    settings = dict(DEFAULTS)
    for name, raw in environ.items():
        if not name.startswith("PORTAL_"):
            continue
        key = name.removeprefix("PORTAL_")
        if key in TOOLING_KEYS:
            continue
        if key not in DEFAULTS:
            raise ConfigError(f"unknown setting {name}")
        settings[key] = _parse_bool(key, raw) if key in BOOLEAN_KEYS else raw
    return settings


def load_oidc_providers(settings: dict[str, Any]) -> list[Provider]:
    """The identity providers people can sign in with, checked (portal/auth/settings.py)."""
    raw = settings.get("OIDC_PROVIDERS")
    entries: list[Any] = []
    if raw:
        if isinstance(raw, str):
            text = raw.strip()
            if not text.startswith(("[", "{")):
                path = Path(text)
                if not path.is_file():
                    raise ConfigError(f"PORTAL_OIDC_PROVIDERS: no such file {text}")
                text = path.read_text(encoding="utf-8")
            try:
                raw = json.loads(text)
            except json.JSONDecodeError as error:
                raise ConfigError(f"PORTAL_OIDC_PROVIDERS is not valid JSON: {error}") from error
        if not isinstance(raw, list):
            raise ConfigError("PORTAL_OIDC_PROVIDERS must be a JSON list")
        entries = list(raw)
    elif settings.get("OIDC_ISSUER"):
        entries = [
            {
                "name": "default",
                "label": settings["OIDC_LABEL"],
                "issuer": settings["OIDC_ISSUER"],
                "client_id": settings.get("OIDC_CLIENT_ID") or "",
                "client_secret": settings.get("OIDC_CLIENT_SECRET") or "",
            }
        ]
    try:
        return parse_providers(entries, settings["OIDC_SCOPES"])
    except ProviderSettingsError as error:
        raise ConfigError(f"PORTAL_OIDC_PROVIDERS: {error}") from error


def _instance_secret_key(instance_path: str) -> str:
    """A development secret kept in the instance folder, so sessions survive restarts."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


def flask_config(settings: dict[str, Any], instance_path: str) -> dict[str, Any]:
    """Turn portal settings into Flask's configuration, refusing unsafe combinations."""
    env = settings["ENV"]
    if env not in {"production", "development", "test"}:
        raise ConfigError(f"PORTAL_ENV must be production, development or test, not {env!r}")
    production = env == "production"
    if production and settings["DEMO"]:
        raise ConfigError("demo sign-in (PORTAL_DEMO=1) is refused in production")
    secret_key = settings["SECRET_KEY"]
    if not secret_key:
        if production:
            raise ConfigError("PORTAL_SECRET_KEY must be set in production")
        secret_key = _instance_secret_key(instance_path)
    database_url = settings["DATABASE_URL"] or "sqlite:///" + str(
        Path(instance_path) / "portal.sqlite3"
    )
    return {
        "PORTAL_ENV": env,
        "PORTAL_DEMO": bool(settings["DEMO"]),
        "PORTAL_OIDC_PROVIDERS": load_oidc_providers(settings),
        "PORTAL_CONTACT_EMAIL": settings["CONTACT_EMAIL"],
        "PORTAL_TIMEZONE": settings["DEFAULT_TIMEZONE"],
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_NAME": "kkr_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Demo runs on plain http://127.0.0.1; everything else is behind TLS.
        "SESSION_COOKIE_SECURE": not settings["DEMO"] and env != "test",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # The CSRF token lives as long as the session: a page left open for hours still works.
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "da",
        "BABEL_DEFAULT_TIMEZONE": settings["DEFAULT_TIMEZONE"],
        "BABEL_TRANSLATION_DIRECTORIES": str(Path(__file__).parent / "translations"),
        # A request may carry several attachments of up to 20 MB each (checked per file).
        "MAX_CONTENT_LENGTH": 105 * 1024 * 1024,
        "PORTAL_UPLOAD_FOLDER": settings["UPLOAD_FOLDER"] or str(Path(instance_path) / "uploads"),
        "PORTAL_BASE_URL": settings["BASE_URL"].rstrip("/"),
        "PORTAL_SMTP": smtp_settings(settings),
        "PORTAL_MAIL_FROM": settings["MAIL_FROM"],
        "PORTAL_EMAIL_MAX_ATTEMPTS": _positive_int("EMAIL_MAX_ATTEMPTS", settings),
        "PORTAL_SIGN_IN_RATE_LIMIT": _whole_number("SIGN_IN_RATE_LIMIT", settings),
        "PORTAL_TRUSTED_PROXIES": _whole_number("TRUSTED_PROXIES", settings),
        "PORTAL_OIDC_TIMEOUT": _positive_int("OIDC_TIMEOUT", settings),
        "PORTAL_OIDC_LEEWAY": _whole_number("OIDC_LEEWAY", settings),
        "PORTAL_SESSION_IDLE": timedelta(minutes=_positive_int("SESSION_IDLE_MINUTES", settings)),
        "PORTAL_SESSION_MAX": timedelta(hours=_positive_int("SESSION_MAX_HOURS", settings)),
    }


def _positive_int(key: str, settings: dict[str, Any]) -> int:
    try:
        value = int(settings[key])
    except (TypeError, ValueError):
        value = 0
    if value < 1:
        raise ConfigError(f"PORTAL_{key} must be a whole number above 0, not {settings[key]!r}")
    return value


def _whole_number(key: str, settings: dict[str, Any]) -> int:
    raw = str(settings[key]).strip()
    if not raw.isdigit():
        raise ConfigError(f"PORTAL_{key} must be a whole number, 0 or more, not {settings[key]!r}")
    return int(raw)


def smtp_settings(settings: dict[str, Any]) -> dict[str, Any] | None:
    """The mail server, or None: then e-mails go to instance/outbox/ (the embedded default)."""
    if not settings.get("SMTP_HOST"):
        return None
    security = settings["SMTP_SECURITY"]
    if security not in {"none", "starttls", "ssl"}:
        raise ConfigError(f"PORTAL_SMTP_SECURITY must be none, starttls or ssl, not {security!r}")
    return {
        "host": settings["SMTP_HOST"],
        "port": _positive_int("SMTP_PORT", settings),
        "username": settings.get("SMTP_USERNAME"),
        "password": settings.get("SMTP_PASSWORD"),
        "security": security,
    }
