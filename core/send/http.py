"""One HTTP call to a platform, with every failure turned into a SendError with a clear reason.

Senders share one httpx.Client (timeouts set there). What the platform says in an error body is
kept short and inert: it is internet text.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from douse.core.send.errors import SendError, wait_text
from douse.core.text import inert
from douse.core.tls import tls_context

DEFAULT_TIMEOUT = httpx.Timeout(20.0, connect=10.0)
USER_AGENT = "douse (reputation desk; replies sent by a person)"


def new_client(timeout: float | httpx.Timeout | None = None) -> httpx.Client:
    """The client senders use: no redirects (a POST must not be replayed elsewhere)."""
    return httpx.Client(
        timeout=timeout if timeout is not None else DEFAULT_TIMEOUT,
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT},
        verify=tls_context(),
    )


def retry_after(response: httpx.Response, now: datetime | None = None) -> float | None:
    """Seconds to wait: Retry-After (seconds or an HTTP date), else the rate-limit reset headers
    (Mastodon: an ISO time; Reddit: seconds)."""
    now = now or datetime.now(UTC)
    value = response.headers.get("retry-after")
    if value:
        value = value.strip()
        if value.isdigit():
            return float(value)
        try:
            when = parsedate_to_datetime(value)
            return max(0.0, (when - now).total_seconds())
        except (TypeError, ValueError):
            pass
    reset = response.headers.get("x-ratelimit-reset")
    if reset:
        try:
            return max(0.0, float(reset))  # Reddit: seconds until the window resets
        except ValueError:
            try:
                when = datetime.fromisoformat(reset.replace("Z", "+00:00"))
                return max(0.0, (when - now).total_seconds())
            except ValueError:
                return None
    return None


def platform_message(response: httpx.Response) -> str:
    """What the platform said about the failure, in one short inert line ("" when nothing)."""
    try:
        data: Any = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        text = (
            response.text.strip()
            if response.headers.get("content-type", "").startswith("text/plain")
            else ""
        )
        return inert(text, 160)
    parts: list[str] = []
    if isinstance(data, dict):
        for key in ("error_description", "message", "error", "details"):
            value = data.get(key)
            if isinstance(value, str) and value and value not in parts:
                parts.append(value)
            elif isinstance(value, dict) and isinstance(value.get("message"), str):
                parts.append(value["message"])
        if not parts and isinstance(data.get("json"), dict):
            errors = data["json"].get("errors")
            if errors:
                parts.append(str(errors[0]))
    return inert(": ".join(parts[:2]), 160)


def check_status(platform: str, response: httpx.Response, *, token_env: str | None = None) -> None:
    """Raise the SendError a non-2xx answer means; return for a success."""
    status = response.status_code
    if 200 <= status < 300:
        return
    said = platform_message(response)
    detail = f": {said}" if said else ""
    name = platform.capitalize() if platform.islower() else platform
    if status == 401:
        where = f" (set in {token_env})" if token_env else ""
        raise SendError(
            "expired_token",
            f"{name} refused the token (401): it has expired or was revoked; "
            f"renew it{where}{detail}",
            status=status,
        )
    if status == 403:
        raise SendError(
            "forbidden", f"{name} does not let this account do that (403){detail}", status=status
        )
    if status in (404, 410):
        raise SendError(
            "gone",
            f"the post is gone on {name} ({status}): deleted, or hidden from this account",
            status=status,
        )
    if status in (413, 422):
        raise SendError("too_long", f"{name} refused the text ({status}){detail}", status=status)
    if status == 429:
        wait = retry_after(response)
        raise SendError(
            "rate_limited",
            f"{name} is rate limiting this account (429): {wait_text(wait)}",
            retry_after=wait,
            status=status,
        )
    if status >= 500:
        raise SendError(
            "server",
            f"{name} failed ({status}){detail}; douse checks whether it was posted before any "
            "retry",
            maybe_sent=True,
            status=status,
        )
    raise SendError("rejected", f"{name} refused the reply ({status}){detail}", status=status)


def call(
    client: httpx.Client,
    platform: str,
    method: str,
    url: str,
    *,
    token_env: str | None = None,
    writes: bool = False,
    **kwargs: Any,
) -> httpx.Response:
    """Make the request and check the answer. `writes`: the call may post, so an answer lost
    after the request went out means "maybe sent"."""
    try:
        response = client.request(method, url, **kwargs)
    except httpx.ConnectTimeout:
        raise SendError("timeout", f"{platform}: could not connect in time") from None
    except httpx.ConnectError as exc:
        raise SendError("network", f"{platform}: could not connect ({_why(exc)})") from None
    except httpx.TimeoutException:
        raise SendError(
            "timeout",
            f"{platform} did not answer in time"
            + ("; douse checks whether it was posted before any retry" if writes else ""),
            maybe_sent=writes,
        ) from None
    except httpx.HTTPError as exc:
        raise SendError(
            "network",
            f"{platform}: the connection failed ({_why(exc)})"
            + ("; douse checks whether it was posted before any retry" if writes else ""),
            maybe_sent=writes,
        ) from None
    check_status(platform, response, token_env=token_env)
    return response


def _why(exc: Exception) -> str:
    return inert(str(exc) or type(exc).__name__, 80)


def json_body(platform: str, response: httpx.Response) -> Any:
    """The answer's JSON. An answer that has none is a one-line SendError naming the status: an
    empty one (a 204, a proxy or a broken instance answering 200 with no body) says so rather
    than reading as a parse error. After a write the post may exist all the same."""
    status = response.status_code
    writes = response.request.method != "GET"
    after = "; douse checks whether it was posted before any retry" if writes else ""
    if not response.content.strip():
        raise SendError(
            "server",
            f"{platform}'s server sent an empty answer (HTTP {status}, no body) where JSON was "
            f"expected{after}",
            maybe_sent=writes,
            status=status,
        )
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        media = response.headers.get("content-type", "").split(";", 1)[0].strip()
        what = f" ({inert(media, 60)})" if media else ""
        raise SendError(
            "server",
            f"{platform} answered with something that is not JSON (HTTP {status}{what}){after}",
            maybe_sent=writes,
            status=status,
        ) from None
