"""OpenID Connect sign-in (authorisation code flow with PKCE and nonce), through Authlib.

The identity provider says who someone is; alarmbell's own user table says what they may do.
A person signs in by OIDC only if an administrator created their account first: by subject,
or by the username claim on first sign-in (then the subject is remembered).
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

#: Discovery and keys are re-read after this long (keys rotate).
METADATA_TTL_SECONDS = 3600
HTTP_TIMEOUT_SECONDS = 10.0


class OidcError(Exception):
    """Sign-in by OIDC failed; the message is safe to log (no tokens, no personal data)."""


@dataclass(frozen=True, slots=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    scopes: str = "openid email profile"
    username_claim: str = "email"


@dataclass(frozen=True, slots=True)
class PendingLogin:
    """What the browser carries (signed) between leaving for the provider and coming back."""

    state: str
    nonce: str
    verifier: str


@dataclass
class OidcClient:
    config: OidcConfig
    _cache: dict[str, tuple[float, Any]] = field(default_factory=dict)

    def _get_json(self, url: str) -> Any:
        cached = self._cache.get(url)
        if cached and time.monotonic() - cached[0] < METADATA_TTL_SECONDS:
            return cached[1]
        try:
            response = httpx.get(url, timeout=HTTP_TIMEOUT_SECONDS)
            response.raise_for_status()
            data = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise OidcError(f"could not read {url}: {type(error).__name__}") from None
        self._cache[url] = (time.monotonic(), data)
        return data

    def metadata(self) -> dict[str, Any]:
        data = self._get_json(self.config.issuer.rstrip("/") + "/.well-known/openid-configuration")
        if not isinstance(data, dict) or data.get("issuer") != self.config.issuer:
            raise OidcError("the provider's discovery document names a different issuer")
        return data

    def _oauth(self, redirect_uri: str) -> OAuth2Client:
        return OAuth2Client(
            self.config.client_id,
            self.config.client_secret,
            scope=self.config.scopes,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            timeout=HTTP_TIMEOUT_SECONDS,
        )

    def begin(self, redirect_uri: str) -> tuple[str, PendingLogin]:
        """The provider's authorisation URL, and the state to keep until the browser returns."""
        pending = PendingLogin(
            secrets.token_urlsafe(24), secrets.token_urlsafe(24), secrets.token_urlsafe(48)
        )
        with self._oauth(redirect_uri) as client:
            url, _ = client.create_authorization_url(
                self.metadata()["authorization_endpoint"],
                state=pending.state,
                nonce=pending.nonce,
                code_verifier=pending.verifier,
            )
        return url, pending

    def finish(self, *, code: str, redirect_uri: str, pending: PendingLogin) -> dict[str, Any]:
        """Exchange the code and return the ID token's validated claims."""
        meta = self.metadata()
        try:
            with self._oauth(redirect_uri) as client:
                token = client.fetch_token(meta["token_endpoint"], code=code, code_verifier=pending.verifier)
        except Exception as error:  # Authlib raises several types; none may leak the code.
            raise OidcError(f"the token exchange failed: {type(error).__name__}") from None
        id_token = token.get("id_token")
        if not isinstance(id_token, str):
            raise OidcError("the provider returned no ID token")
        return self.validate(id_token, nonce=pending.nonce, jwks_uri=meta["jwks_uri"])

    def validate(self, id_token: str, *, nonce: str, jwks_uri: str) -> dict[str, Any]:
        keys = KeySet.import_key_set(self._get_json(jwks_uri))
        try:
            decoded = jwt.decode(id_token, keys, algorithms=["RS256", "ES256"])
            jwt.JWTClaimsRegistry(
                iss={"essential": True, "value": self.config.issuer},
                aud={"essential": True, "value": self.config.client_id},
                sub={"essential": True},
                exp={"essential": True},
                nonce={"essential": True, "value": nonce},
            ).validate(decoded.claims)
        except (JoseError, ValueError) as error:
            raise OidcError(f"the ID token is not valid: {type(error).__name__}") from None
        return dict(decoded.claims)
