"""The one TLS context of a process, shared by every HTTP client douse makes (the feeds'
Fetcher, the senders' client)."""

from __future__ import annotations

import ssl
from functools import cache

import httpx


@cache
def tls_context() -> ssl.SSLContext:
    """httpx's own default verification (certifi's roots, or SSL_CERT_FILE / SSL_CERT_DIR),
    built once. httpx builds a context for every Client it makes unless given one, and loading
    the roots costs about 0.1 s of CPU each time; an SSLContext is meant to be shared between
    connections and threads."""
    return httpx.create_ssl_context()
