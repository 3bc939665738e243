"""Which provider a person signs in with: by municipality, or by their e-mail's domain.

Pure functions over the provider settings: the sign-in page lists one entry per municipality a
provider serves (a broker serving five municipalities gives five entries), and an e-mail
address picks the provider whose domains hold it (home-realm discovery).
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.auth.claims import email_domain
from portal.auth.settings import Provider

# Danish alphabetical order puts æ, ø and å after z.
_DANISH_ORDER = str.maketrans({"æ": "{", "ø": "|", "å": "}"})


@dataclass(frozen=True)
class Entry:
    """One line of the list: what the person looks for, and the provider that signs them in."""

    label: str
    provider: str

    @property
    def key(self) -> str:
        """What the device remembers as the last choice."""
        return f"{self.provider}:{self.label}"


def sort_key(text: str) -> str:
    return text.lower().replace("aa", "å").translate(_DANISH_ORDER)


def municipality_label(name: str) -> str:
    name = name.strip()
    return name if name.lower().endswith(" kommune") else f"{name} Kommune"


def entries(providers: list[Provider]) -> list[Entry]:
    found: dict[str, Entry] = {}
    for provider in providers:
        municipalities = provider.all_municipalities()
        labels = [municipality_label(name) for name in municipalities] or [provider.label]
        for label in labels:
            found.setdefault(label.lower(), Entry(label, provider.name))
    return sorted(found.values(), key=lambda entry: sort_key(entry.label))


def search(all_entries: list[Entry], query: str) -> list[Entry]:
    """Entries whose label contains every word of the query, case and "kommune" aside."""
    words = [word for word in query.lower().split() if word != "kommune"]
    if not words:
        return all_entries
    return [e for e in all_entries if all(word in e.label.lower() for word in words)]


def entry_for_key(
    all_entries: list[Entry], providers: list[Provider], key: str | None
) -> Entry | None:
    """The remembered choice: a line of the list, or the provider itself when the choice was
    made by e-mail (a broker's e-mail names no municipality)."""
    found = next((entry for entry in all_entries if entry.key == key), None)
    if found is None and key:
        name = key.split(":", 1)[0]
        provider = next((p for p in providers if p.name == name), None)
        if provider is not None:
            found = Entry(provider.label, provider.name)
    return found


def providers_for_email(providers: list[Provider], address: str) -> list[Provider]:
    """The providers that may vouch for this address (usually one)."""
    domain = email_domain(address)
    return [provider for provider in providers if domain in provider.all_email_domains()]
