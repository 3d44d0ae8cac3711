"""A local OpenID Connect provider for the tests: the real protocol, built on Authlib's server components.

It stands where Microsoft Entra ID stands in production, so a browser test can drive the app's
organisation login (Streamlit's ``st.login``) end to end. It implements, in memory:

1. discovery: ``/.well-known/openid-configuration`` (validated with Authlib's metadata models at start);
2. the authorization-code flow of OpenID Connect Core 1.0 at ``/authorize`` and ``/token`` (client
   authentication by secret, redirect URIs matched exactly, nonces refused on replay, PKCE when the
   client sends a challenge), with an RS256 ``id_token`` signed by a key generated at start;
3. ``/jwks`` (the public key), ``/userinfo`` (bearer token) and RP-initiated logout at ``/logout``.

The login page asks for an e-mail address only: whoever types one is that user. It is a test
provider on the loopback interface and must never face a network.

Run it: ``python -m tests.oidc_provider --port P --client-id ID --client-secret S --redirect-uri URI``.
Tests use :func:`running_provider`, which starts it in a subprocess and stops it afterwards.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2.rfc6749 import ClientMixin, OAuth2Error, TokenMixin, grants
from authlib.oauth2.rfc6749.util import list_to_scope, scope_to_list
from authlib.oauth2.rfc6750 import BearerTokenValidator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc import discovery, rpinitiated
from authlib.oidc.core import AuthorizationCodeMixin, OpenIDCode, UserInfo, UserInfoEndpoint
from authlib.oidc.rpinitiated import EndSessionEndpoint, EndSessionRequest
from flask import Flask, Response, jsonify, request
from joserfc.jwk import KeySet, RSAKey

ROOT = Path(__file__).resolve().parents[1]
SCOPES = ("openid", "email", "profile")
CODE_LIFETIME_S = 300
TOKEN_LIFETIME_S = 3600


@dataclass(frozen=True)
class Settings:
    """One provider with one registered client (the app)."""

    issuer: str
    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]

    def endpoint(self, path: str) -> str:
        return f"{self.issuer}{path}"


UNVERIFIED = "unverified:"


@dataclass(frozen=True)
class User:
    """Whoever typed this e-mail address on the login page (prefixed ``unverified:``, the provider says it
    has not verified the address, as a provider that lets anyone sign up with any address does)."""

    email: str
    verified: bool = True

    @property
    def sub(self) -> str:
        """A stable, opaque subject identifier (as Entra ID's, it is not the e-mail address)."""
        return hashlib.sha256(self.email.lower().encode()).hexdigest()[:32]

    def claims(self, scope: str) -> UserInfo:
        local_part = self.email.split("@", 1)[0]
        return UserInfo(
            sub=self.sub,
            email=self.email,
            email_verified=self.verified,
            name=local_part.capitalize(),
            preferred_username=self.email,
        ).filter(scope)


@dataclass(frozen=True)
class Client(ClientMixin):
    """The registered relying party: a confidential web client using the code flow."""

    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]

    @property
    def client_metadata(self) -> dict[str, Any]:
        # Streamlit sends its redirect URI (/oauth2callback) as post_logout_redirect_uri.
        return {"post_logout_redirect_uris": list(self.redirect_uris)}

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return list_to_scope([s for s in scope_to_list(scope) or [] if s in SCOPES])

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(self.client_secret, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if endpoint == "token":
            return method in ("client_secret_basic", "client_secret_post")
        return True

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class AuthorizationCode(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: User
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def is_expired(self) -> bool:
        return time.time() > self.auth_time + CODE_LIFETIME_S

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time


@dataclass
class Token(TokenMixin):
    access_token: str
    client: Client
    scope: str
    user: User
    issued_at: int = field(default_factory=lambda: int(time.time()))

    def check_client(self, client: ClientMixin) -> bool:
        return client.get_client_id() == self.client.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return TOKEN_LIFETIME_S

    def is_expired(self) -> bool:
        return time.time() > self.issued_at + TOKEN_LIFETIME_S

    def is_revoked(self) -> bool:
        return False

    def get_user(self) -> User:
        return self.user

    def get_client(self) -> Client:
        return self.client


@dataclass
class Memory:
    """Everything the provider holds; nothing outlives the process."""

    settings: Settings
    client: Client
    key: RSAKey
    codes: dict[str, AuthorizationCode] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)
    used_nonces: set[str] = field(default_factory=set)

    def public_jwks(self) -> dict[str, Any]:
        return dict(KeySet([self.key]).as_dict(private=False))


class Provider(AuthorizationServer):
    """Authlib's Flask authorization server with the in-memory state the grants below read."""

    def __init__(self, app: Flask, memory: Memory) -> None:
        self.memory = memory
        super().__init__(app, query_client=self._client, save_token=self._save_token)

    def _client(self, client_id: str) -> Client | None:
        return self.memory.client if client_id == self.memory.client.client_id else None

    def _save_token(self, token: dict[str, Any], oauth_request: Any) -> None:
        self.memory.tokens[token["access_token"]] = Token(
            access_token=token["access_token"],
            client=oauth_request.client,
            scope=token.get("scope", ""),
            user=oauth_request.user,
        )


class CodeGrant(grants.AuthorizationCodeGrant):
    """The authorization-code grant; codes live in memory for five minutes and are used once."""

    server: Provider

    def save_authorization_code(self, code: str, oauth_request: Any) -> None:
        data = oauth_request.payload.data
        if data.get("nonce"):
            self.server.memory.used_nonces.add(data["nonce"])  # a nonce binds one code, once
        self.server.memory.codes[code] = AuthorizationCode(
            code=code,
            client_id=oauth_request.client.client_id,
            redirect_uri=oauth_request.payload.redirect_uri or "",
            scope=oauth_request.scope or "",
            user=oauth_request.user,
            nonce=data.get("nonce"),
            code_challenge=data.get("code_challenge"),
            code_challenge_method=data.get("code_challenge_method"),
        )

    def query_authorization_code(self, code: str, client: Client) -> AuthorizationCode | None:
        found = self.server.memory.codes.get(code)
        if found is None or found.client_id != client.client_id or found.is_expired():
            return None
        return found

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        self.server.memory.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code: AuthorizationCode) -> User:
        return authorization_code.user


class IdToken(OpenIDCode):
    """The OpenID extension of the code grant: the RS256 id_token, nonces checked for replay."""

    def __init__(self, memory: Memory) -> None:
        super().__init__(require_nonce=True)
        self.memory = memory

    def exists_nonce(self, nonce: str, oauth_request: Any) -> bool:
        return nonce in self.memory.used_nonces

    def resolve_client_private_key(self, client: Client) -> RSAKey:
        return self.memory.key

    def get_client_algorithm(self, client: Client) -> str:
        return "RS256"

    def get_encode_header(self, client: Client) -> dict[str, str]:
        return {"alg": "RS256", "kid": str(self.memory.key.kid)}

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        return {"iss": self.memory.settings.issuer, "aud": client.get_client_id()}

    def generate_user_info(self, user: User, scope: str) -> UserInfo:
        return user.claims(scope)


class AccessTokens(BearerTokenValidator):
    def __init__(self, memory: Memory) -> None:
        super().__init__()
        self.memory = memory

    def authenticate_token(self, token_string: str) -> Token | None:
        return self.memory.tokens.get(token_string)


class UserInfoClaims(UserInfoEndpoint):
    def __init__(self, memory: Memory, resource_protector: ResourceProtector) -> None:
        super().__init__(resource_protector=resource_protector)
        self.memory = memory

    def get_issuer(self) -> str:
        return self.memory.settings.issuer

    def generate_user_info(self, user: User, scope: str) -> UserInfo:
        return user.claims(scope)

    def resolve_private_key(self) -> RSAKey:
        return self.memory.key


class EndSession(EndSessionEndpoint):
    """RP-initiated logout. The provider keeps no login session, so there is nothing to end."""

    def __init__(self, memory: Memory) -> None:
        super().__init__()
        self.memory = memory

    def get_server_jwks(self) -> dict[str, Any]:
        return self.memory.public_jwks()

    def end_session(self, end_session_request: EndSessionRequest) -> None:
        return None


def metadata(settings: Settings) -> dict[str, Any]:
    """The discovery document (OpenID Connect Discovery 1.0), validated by Authlib's models."""
    document = {
        "issuer": settings.issuer,
        "authorization_endpoint": settings.endpoint("/authorize"),
        "token_endpoint": settings.endpoint("/token"),
        "userinfo_endpoint": settings.endpoint("/userinfo"),
        "jwks_uri": settings.endpoint("/jwks"),
        "end_session_endpoint": settings.endpoint("/logout"),
        "scopes_supported": list(SCOPES),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256", "plain"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "email", "email_verified", "name"],
    }
    discovery.OpenIDProviderMetadata(document).validate(metadata_classes=[rpinitiated.OpenIDProviderMetadata])
    return document


LOGIN_PAGE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Local OpenID Connect provider</title></head>
<body>
<h1>Sign in</h1>
<p>Local test provider. Signing in to <strong>{client_id}</strong>.</p>
<form method="post">
  <label for="email">E-mail</label>
  <input id="email" name="email" type="text" required autofocus>
  <button type="submit">Sign in</button>
</form>
</body>
</html>
"""


def create_app(settings: Settings) -> Flask:
    """The provider as a Flask app: one client, a fresh signing key, everything in memory."""
    memory = Memory(
        settings=settings,
        client=Client(settings.client_id, settings.client_secret, settings.redirect_uris),
        key=RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, private=True, auto_kid=True),
    )
    app = Flask(__name__)
    app.config["OAUTH2_TOKEN_EXPIRES_IN"] = {"authorization_code": TOKEN_LIFETIME_S}
    server = Provider(app, memory)
    server.register_grant(CodeGrant, [IdToken(memory), CodeChallenge(required=False)])
    protector = ResourceProtector()
    protector.register_token_validator(AccessTokens(memory))
    server.register_endpoint(UserInfoClaims(memory, protector))
    server.register_endpoint(EndSession(memory))
    discovery_document = metadata(settings)

    @app.get("/.well-known/openid-configuration")
    def configuration() -> Response:
        return jsonify(discovery_document)

    @app.get("/jwks")
    def jwks() -> Response:
        return jsonify(memory.public_jwks())

    @app.route("/authorize", methods=["GET", "POST"])
    def authorize() -> Any:
        # GET validates the request and shows the login page; POST logs the typed e-mail in.
        user = None
        if request.method == "POST":
            email = request.form.get("email", "").strip()
            unverified = email.startswith(UNVERIFIED)
            email = email.removeprefix(UNVERIFIED)
            user = User(email, verified=not unverified) if "@" in email else None
        try:
            grant = server.get_consent_grant(end_user=user)
        except OAuth2Error as error:
            return server.handle_error_response(None, error)
        if user is None:
            return LOGIN_PAGE.format(client_id=html.escape(settings.client_id))
        return server.create_authorization_response(grant_user=user, grant=grant)

    @app.post("/token")
    def token() -> Response:
        return server.create_token_response()

    @app.route("/userinfo", methods=["GET", "POST"])
    def userinfo() -> Response:
        return server.create_endpoint_response("userinfo")

    @app.route("/logout", methods=["GET", "POST"])
    def logout() -> Any:
        try:
            ending = server.validate_endpoint_request("end_session")
        except OAuth2Error as error:
            return server.handle_error_response(None, error)
        response = server.create_endpoint_response("end_session", ending)
        return response or "<!doctype html><title>Signed out</title><p>You are signed out.</p>"

    return app


@contextmanager
def running_provider(
    port: int, client_id: str, client_secret: str, redirect_uri: str, log: Path
) -> Iterator[str]:
    """Run the provider in a subprocess on 127.0.0.1:port until the block ends; yields its issuer URL."""
    issuer = f"http://127.0.0.1:{port}"
    arguments = [
        sys.executable, "-m", "tests.oidc_provider", "--port", str(port), "--client-id", client_id,
        # `--name=value`: a random secret may start with "-", which argparse would take for an option.
        f"--client-secret={client_secret}", "--redirect-uri", redirect_uri,
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(arguments, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
        try:
            _wait_until_up(f"{issuer}/.well-known/openid-configuration", process, log, timeout_s=30)
            yield issuer
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            state = f"exited with code {process.returncode}" if process.poll() is not None else "timed out"
            raise RuntimeError(
                f"The OIDC provider did not start within {timeout_s:.0f} s ({state}); its log, {log}:\n"
                + log.read_text(errors="replace")[-3000:]
            )
        time.sleep(0.2)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.oidc_provider", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--redirect-uri", action="append", required=True, help="repeat for more than one")
    options = parser.parse_args(argv)
    # Plain http on the loopback interface, in this process only (Authlib before 1.9 refuses http
    # even on loopback unless told).
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    settings = Settings(
        issuer=f"http://127.0.0.1:{options.port}",
        client_id=options.client_id,
        client_secret=options.client_secret,
        redirect_uris=tuple(options.redirect_uri),
    )
    create_app(settings).run(host="127.0.0.1", port=options.port, threaded=True)


if __name__ == "__main__":
    main()
