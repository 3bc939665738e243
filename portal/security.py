"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, Response, current_app


def _provider_origins() -> list[str]:
    return sorted({provider.origin for provider in current_app.config["PORTAL_OIDC_PROVIDERS"]})


def content_security_policy() -> str:
    # Sign-out posts a form that ends at the provider's end_session_endpoint, and Chromium
    # applies form-action to that redirect: the providers' origins are listed there.
    form_targets = " ".join(["'self'", *_provider_origins()])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            f"form-action {form_targets}",
            "frame-ancestors 'none'",
        ]
    )


def register(app: Flask) -> None:
    @app.after_request
    def add_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", content_security_policy())
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if current_app.config["SESSION_COOKIE_SECURE"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if not response.cache_control.public and response.mimetype == "text/html":
            # Pages carry personal data and CSRF tokens: never stored by a shared cache.
            response.cache_control.private = True
            response.cache_control.no_store = True
        return response
