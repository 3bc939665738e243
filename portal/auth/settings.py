"""The identity providers' settings, read and checked once at start (no Flask here).

Every key of a provider entry is known and checked: a municipal IT admin who misspells
`email_domain` learns it when the portal starts, not when the first mayor is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

TENANT_PLACEHOLDER = "{tenantid}"
# Microsoft Entra ID's sign-in hosts, and the addresses that name no tenant of their own.
ENTRA_HOSTS = {"login.microsoftonline.com", "sts.windows.net", "login.windows.net"}
ENTRA_SHARED_TENANTS = {"common", "organizations", "consumers"}
# Parameters of the authorisation request the portal sets itself; a provider entry may not.
RESERVED_AUTHORIZE_PARAMS = {
    "client_id",
    "redirect_uri",
    "response_type",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
}
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
TENANT_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
NAME = re.compile(r"^[a-z0-9_-]{1,40}$")

KNOWN_KEYS = {
    "name",
    "label",
    "issuer",
    "client_id",
    "client_secret",
    "scopes",
    "email_domains",
    "trust_email",
    "email_claims",
    "municipalities",
    "userinfo",
    "authorize_params",
    "tenants",
}
TENANT_KEYS = {"id", "email_domains", "municipalities"}


class ProviderSettingsError(ValueError):
    """A provider entry the portal will not start with; the message names entry and key."""


def municipality_key(name: str) -> str:
    """How a municipality is matched: "Roskilde Kommune", "roskilde" and "Roskilde" are one."""
    return name.strip().lower().removesuffix(" kommune").strip()


@dataclass(frozen=True)
class Tenant:
    """One directory of a multi-tenant registration: its id and what it may vouch for."""

    id: str
    email_domains: tuple[str, ...]
    municipalities: tuple[str, ...] = ()


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    issuer: str  # with {tenantid} for a multi-tenant registration
    client_id: str
    client_secret: str
    scopes: str
    email_domains: tuple[str, ...] = ()
    trust_email: bool = False
    email_claims: tuple[str, ...] = ("email",)
    municipalities: tuple[str, ...] = ()
    userinfo: str = "auto"
    authorize_params: dict[str, str] = field(default_factory=dict)
    tenants: tuple[Tenant, ...] = ()

    @property
    def multi_tenant(self) -> bool:
        return bool(self.tenants)

    @property
    def metadata_url(self) -> str:
        # A multi-tenant registration reads the shared "organizations" document, whose issuer
        # is the template itself.
        base = self.issuer.replace(TENANT_PLACEHOLDER, "organizations")
        return base + "/.well-known/openid-configuration"

    @property
    def origin(self) -> str:
        parts = urlsplit(self.issuer)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def binds_first_sign_in(self) -> bool:
        return bool(self.email_domains or self.tenants)

    def issuer_for(self, tenant_id: str) -> str:
        return self.issuer.replace(TENANT_PLACEHOLDER, tenant_id)

    def tenant(self, tenant_id: str | None) -> Tenant | None:
        return next((tenant for tenant in self.tenants if tenant.id == tenant_id), None)

    def issuers(self) -> list[str]:
        """Every issuer whose accounts this provider signs in."""
        if self.multi_tenant:
            return [self.issuer_for(tenant.id) for tenant in self.tenants]
        return [self.issuer]

    def signs_in(self, issuer: str) -> bool:
        return issuer.rstrip("/") in self.issuers()

    def vouches_for(self, issuer: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The e-mail domains and municipalities this provider may vouch for under `issuer`."""
        issuer = issuer.rstrip("/")
        for tenant in self.tenants:
            if self.issuer_for(tenant.id) == issuer:
                return tenant.email_domains, tenant.municipalities
        if self.multi_tenant or issuer != self.issuer:
            return (), ()
        return self.email_domains, self.municipalities

    def all_municipalities(self) -> tuple[str, ...]:
        if self.multi_tenant:
            return tuple(name for tenant in self.tenants for name in tenant.municipalities)
        return self.municipalities

    def all_email_domains(self) -> tuple[str, ...]:
        if self.multi_tenant:
            return tuple(domain for tenant in self.tenants for domain in tenant.email_domains)
        return self.email_domains


def parse_providers(entries: list[Any], default_scopes: str) -> list[Provider]:
    """The configured providers, or ProviderSettingsError naming the entry and the key."""
    providers: list[Provider] = []
    for position, entry in enumerate(entries, start=1):
        provider = parse_provider(entry, default_scopes, position)
        if any(known.name == provider.name for known in providers):
            raise ProviderSettingsError(f"OpenID provider {provider.name!r} is named twice")
        providers.append(provider)
    return providers


def parse_provider(entry: Any, default_scopes: str, position: int = 1) -> Provider:
    if not isinstance(entry, dict):
        raise ProviderSettingsError(f"OpenID provider #{position} must be a JSON object")
    where = f"OpenID provider {entry.get('name') or '#' + str(position)!s}"
    unknown = sorted(set(entry) - KNOWN_KEYS)
    if unknown:
        raise ProviderSettingsError(
            f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(KNOWN_KEYS))})"
        )

    def text(key: str, *, required: bool = False, default: str = "") -> str:
        value = entry.get(key, default)
        if not isinstance(value, str):
            raise ProviderSettingsError(f"{where}: {key!r} must be a string")
        if required and not value.strip():
            raise ProviderSettingsError(f"{where}: {key!r} is required")
        return value.strip()

    name = text("name", required=True)
    if not NAME.match(name):
        raise ProviderSettingsError(f"{where}: 'name' may use a-z, 0-9, - and _ only")
    issuer = text("issuer", required=True).rstrip("/")
    parts = urlsplit(issuer)
    loopback = parts.hostname in {"127.0.0.1", "localhost", "::1"}
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise ProviderSettingsError(f"{where}: 'issuer' must be an https address")
    if not parts.netloc or parts.query or parts.fragment:
        raise ProviderSettingsError(f"{where}: 'issuer' must be an address without ? or #")
    tenants = _tenants(entry.get("tenants"), where)
    _check_entra_issuer(issuer, parts.netloc.lower(), bool(tenants), where)
    if tenants and ("email_domains" in entry or "municipalities" in entry):
        raise ProviderSettingsError(
            f"{where}: with 'tenants', give 'email_domains' and 'municipalities' per tenant"
        )
    email_domains = _domains(entry.get("email_domains", []), where)
    trust_email = entry.get("trust_email", False)
    if not isinstance(trust_email, bool):
        raise ProviderSettingsError(f"{where}: 'trust_email' must be true or false")
    if trust_email and not (email_domains or tenants):
        raise ProviderSettingsError(f"{where}: 'trust_email' needs 'email_domains'")
    userinfo = text("userinfo", default="auto")
    if userinfo not in {"auto", "never"}:
        raise ProviderSettingsError(f'{where}: \'userinfo\' must be "auto" or "never"')
    scopes = text("scopes", default=default_scopes)
    if "openid" not in scopes.split():
        raise ProviderSettingsError(f"{where}: 'scopes' must include openid")
    return Provider(
        name=name,
        label=text("label", default=name) or name,
        issuer=issuer,
        client_id=text("client_id", required=True),
        client_secret=text("client_secret"),
        scopes=scopes,
        email_domains=email_domains,
        trust_email=trust_email,
        email_claims=_strings(entry.get("email_claims", ["email"]), "email_claims", where),
        municipalities=_strings(entry.get("municipalities", []), "municipalities", where),
        userinfo=userinfo,
        authorize_params=_authorize_params(entry.get("authorize_params", {}), where),
        tenants=tenants,
    )


def _check_entra_issuer(issuer: str, host: str, has_tenants: bool, where: str) -> None:
    """Refuse at start what Entra would refuse only after the member typed their password."""
    if TENANT_PLACEHOLDER in issuer:
        if not has_tenants:
            raise ProviderSettingsError(f"{where}: an issuer with {{tenantid}} needs 'tenants'")
        return
    if has_tenants:
        raise ProviderSettingsError(f"{where}: 'tenants' needs an issuer with {{tenantid}}")
    if host not in ENTRA_HOSTS:
        return
    segments = [segment for segment in urlsplit(issuer).path.split("/") if segment]
    tenant = segments[0].lower() if segments else ""
    if tenant in ENTRA_SHARED_TENANTS or not tenant:
        raise ProviderSettingsError(
            f"{where}: Entra's /{tenant or '…'} address names no tenant, and its tokens never"
            " match it; use the tenant id, or {tenantid} with 'tenants'"
        )
    if not TENANT_ID.match(tenant):
        raise ProviderSettingsError(
            f"{where}: give the Entra tenant by its id (a GUID), not {tenant!r}: the tokens"
            " name the tenant by id"
        )


def _strings(value: Any, key: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(
        isinstance(item, str) and item.strip() for item in value
    ):
        raise ProviderSettingsError(f"{where}: {key!r} must be a list of strings")
    return tuple(item.strip() for item in value)


def _domains(value: Any, where: str) -> tuple[str, ...]:
    listed = _strings(value, "email_domains", where)
    domains = tuple(domain.lower().lstrip("@") for domain in listed)
    for domain in domains:
        if not DOMAIN.match(domain):
            raise ProviderSettingsError(f"{where}: {domain!r} in 'email_domains' is no domain")
    return domains


def _authorize_params(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(key, str) and isinstance(item, str) for key, item in value.items()
    ):
        raise ProviderSettingsError(f"{where}: 'authorize_params' must map strings to strings")
    reserved = sorted(set(value) & RESERVED_AUTHORIZE_PARAMS)
    if reserved:
        raise ProviderSettingsError(
            f"{where}: 'authorize_params' may not set {reserved[0]!r}; the portal sets it"
        )
    return dict(value)


def _tenants(value: Any, where: str) -> tuple[Tenant, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        raise ProviderSettingsError(f"{where}: 'tenants' must be a non-empty list")
    tenants = []
    for item in value:
        if not isinstance(item, dict):
            raise ProviderSettingsError(f"{where}: each of 'tenants' must be an object")
        unknown = sorted(set(item) - TENANT_KEYS)
        if unknown:
            raise ProviderSettingsError(f"{where}: unknown key {unknown[0]!r} in 'tenants'")
        tenant_id = str(item.get("id", "")).strip().lower()
        if not TENANT_ID.match(tenant_id):
            raise ProviderSettingsError(f"{where}: tenant id {tenant_id!r} is not a GUID")
        domains = _domains(item.get("email_domains", []), f"{where}, tenant {tenant_id}")
        if not domains:
            raise ProviderSettingsError(f"{where}: tenant {tenant_id} needs 'email_domains'")
        municipalities = _strings(item.get("municipalities", []), "municipalities", where)
        tenants.append(Tenant(tenant_id, domains, municipalities))
    if len({tenant.id for tenant in tenants}) != len(tenants):
        raise ProviderSettingsError(f"{where}: a tenant is listed twice")
    return tuple(tenants)
