"""A brake on sign-in: so many attempts a minute per client address and endpoint, then 429.

The counts live in the process (a sliding window of recent attempts per key). Several gunicorn
workers each count for themselves, so a client may get up to workers × the limit through: that
is acceptable for a brake against scripted hammering of the sign-in start and the provider
callback, which is all this is for. It is no defence against a distributed attack (that is the
reverse proxy's job).

The client address is the connection's (`remote_addr`). Behind reverse proxies the portal
trusts the last PORTAL_TRUSTED_PROXIES entries of X-Forwarded-For to be theirs and takes the
one before; with the default 0 the header is ignored, since anyone can send it.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Response, current_app, request

WINDOW_SECONDS = 60.0
LIMITER_KEY = "portal.sign_in_limiter"
# Above this many keys, keys without an attempt in the window are dropped.
PRUNE_ABOVE = 10_000


class SlidingWindowLimiter:
    """At most `limit` attempts per key in any `window` seconds; thread-safe."""

    def __init__(
        self,
        limit: int,
        window: float = WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._attempts: dict[Any, deque[float]] = {}
        self._lock = threading.Lock()

    def attempt(self, key: Any) -> int | None:
        """Count an attempt for `key`; None when it may go ahead, else seconds to wait.

        A refused attempt is not counted, so waiting the seconds given is always enough.
        """
        now = self.clock()
        with self._lock:
            recent = self._attempts.setdefault(key, deque())
            while recent and recent[0] <= now - self.window:
                recent.popleft()
            if len(recent) >= self.limit:
                return max(1, math.ceil(recent[0] + self.window - now))
            recent.append(now)
            if len(self._attempts) > PRUNE_ABOVE:
                self._prune(now)
            return None

    def _prune(self, now: float) -> None:
        stale = [key for key, times in self._attempts.items() if times[-1] <= now - self.window]
        for key in stale:
            del self._attempts[key]


def client_address() -> str:
    """The client's address: the connection's, or the one the trusted proxies report."""
    proxies = current_app.config["PORTAL_TRUSTED_PROXIES"]
    if proxies:
        forwarded = [
            part.strip()
            for header in request.headers.getlist("X-Forwarded-For")
            for part in header.split(",")
            if part.strip()
        ]
        # The last `proxies` entries were added by our proxies; the one before is the client.
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.remote_addr or "unknown"


def _limiter() -> SlidingWindowLimiter | None:
    limit = current_app.config["PORTAL_SIGN_IN_RATE_LIMIT"]
    if not limit:
        return None
    limiter = current_app.extensions.get(LIMITER_KEY)
    if limiter is None:
        limiter = current_app.extensions.setdefault(LIMITER_KEY, SlidingWindowLimiter(limit))
    return limiter


def too_many_attempts(retry_after: int) -> Response:
    from portal.errors import render_error

    response = render_error(429)
    response.headers["Retry-After"] = str(retry_after)
    response.cache_control.no_store = True
    return response


def sign_in_rate_limited(view: Callable[..., Any]) -> Callable[..., Any]:
    """Answer 429 with Retry-After once a client has tried this endpoint too often."""

    @wraps(view)
    def limited(*args: Any, **kwargs: Any) -> Any:
        limiter = _limiter()
        if limiter is not None:
            retry_after = limiter.attempt((request.endpoint, client_address()))
            if retry_after is not None:
                current_app.logger.warning(
                    "sign-in rate limit: %s from %s", request.endpoint, client_address()
                )
                return too_many_attempts(retry_after)
        return view(*args, **kwargs)

    return limited
