"""What every answer carries for the browser's protection, and whom to believe about the client.

- Security headers on every response (flask-talisman): the Content-Security-Policy below,
  which every page is built against (no inline script or style, no `on...=` handlers, no CDN),
  frames refused (frame-ancestors and X-Frame-Options), Referrer-Policy, nosniff.
- `Cache-Control: no-store` on every page and API answer (they carry patient data), except
  static files and the OpenAPI document.
- `X-Forwarded-For` (and -Proto, -Host) believed only from TELEMON_TRUSTED_PROXIES proxies
  (werkzeug's ProxyFix; 0 by default): the address in the audit log and the rate-limit key is
  then the client's, not the proxy's, and a client cannot forge it.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": ["'self'", "data:", "blob:"],
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'none'",
}

# Answers that hold no patient data and may be cached.
_CACHEABLE_PREFIXES = ("/static/", "/api/openapi.json")

talisman = Talisman()


def init_http_security(app: Flask) -> None:
    proxies = int(app.config["TELEMON_TRUSTED_PROXIES"])
    if proxies > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    talisman.init_app(
        app,
        # TLS ends at the proxy in front of telemon; HSTS is sent on HTTPS requests.
        force_https=False,
        content_security_policy=CONTENT_SECURITY_POLICY,
        frame_options="DENY",
        referrer_policy="same-origin",
        # The session cookie's flags stay as config.py sets them.
        session_cookie_secure=bool(app.config["SESSION_COOKIE_SECURE"]),
        session_cookie_http_only=True,
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
    )
    app.after_request(_no_store)


def _no_store(response: Response) -> Response:
    if not request.path.startswith(_CACHEABLE_PREFIXES) and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response
