"""A small OpenID Connect provider for tests: real HTTP on 127.0.0.1, standard library only.

django-allauth talks to a provider through `requests` (discovery, token, userinfo), so the
tests need a server that answers over a socket. This one knows one client, signs ID tokens
with an RSA key made at start-up, checks PKCE, and signs in whoever the test says is at the
keyboard (`person`).
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

KEY_ID = "testfederatie-1"


@dataclass(frozen=True)
class Person:
    """Who signs in at the provider, and what the provider says about their address."""

    sub: str
    email: str
    email_verified: bool = True
    name: str = ""


@dataclass
class _Grant:
    person: Person
    redirect_uri: str
    code_challenge: str
    nonce: str | None


@dataclass
class OidcProvider:
    client_id: str
    client_secret: str
    person: Person | None = None
    authorization_requests: list[dict[str, str]] = field(default_factory=list)
    _codes: dict[str, _Grant] = field(default_factory=dict)
    _access_tokens: dict[str, Person] = field(default_factory=dict)
    _server: ThreadingHTTPServer | None = None

    def __post_init__(self) -> None:
        # Made once per test module; signing with it is cheap.
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    @property
    def url(self) -> str:
        assert self._server is not None, "start the provider first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def issuer(self) -> str:
        return self.url

    def start(self) -> Self:
        handler = type("Handler", (_Handler,), {"provider": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset(self) -> None:
        self.person = None
        self.authorization_requests.clear()
        self._codes.clear()
        self._access_tokens.clear()

    # What the endpoints answer. Each returns (status, headers, JSON body or None).

    def configuration(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": ["openid", "profile", "email"],
            "claims_supported": ["sub", "email", "email_verified", "name"],
        }

    def jwks(self) -> dict[str, Any]:
        jwk = RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": KEY_ID, "alg": "RS256", "use": "sig"}]}

    def authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], Any]:
        self.authorization_requests.append(query)
        if query.get("client_id") != self.client_id or not query.get("redirect_uri"):
            return HTTPStatus.BAD_REQUEST, {}, {"error": "invalid_request"}
        if query.get("response_type") != "code" or query.get("code_challenge_method") != "S256":
            return HTTPStatus.BAD_REQUEST, {}, {"error": "invalid_request"}
        if self.person is None:
            return HTTPStatus.BAD_REQUEST, {}, {"error": "nobody is signing in"}
        code = secrets.token_urlsafe(16)
        self._codes[code] = _Grant(
            person=self.person,
            redirect_uri=query["redirect_uri"],
            code_challenge=query.get("code_challenge", ""),
            nonce=query.get("nonce"),
        )
        back = {"code": code, "state": query.get("state", "")}
        return HTTPStatus.FOUND, {"Location": f"{query['redirect_uri']}?{urlencode(back)}"}, None

    def token(self, form: dict[str, str], basic: tuple[str, str] | None) -> tuple[int, Any]:
        client = basic or (form.get("client_id", ""), form.get("client_secret", ""))
        if client != (self.client_id, self.client_secret):
            return HTTPStatus.UNAUTHORIZED, {"error": "invalid_client"}
        grant = self._codes.pop(form.get("code", ""), None)  # a code works once
        if (
            form.get("grant_type") != "authorization_code"
            or grant is None
            or form.get("redirect_uri") != grant.redirect_uri
            or _s256(form.get("code_verifier", "")) != grant.code_challenge
        ):
            return HTTPStatus.BAD_REQUEST, {"error": "invalid_grant"}
        access_token = secrets.token_urlsafe(16)
        self._access_tokens[access_token] = grant.person
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            **self._claims(grant.person),
        }
        if grant.nonce is not None:
            claims["nonce"] = grant.nonce
        id_token = jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": KEY_ID})
        return HTTPStatus.OK, {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": 300,
            "id_token": id_token,
        }

    def userinfo(self, authorization: str) -> tuple[int, Any]:
        scheme, _, access_token = authorization.partition(" ")
        person = self._access_tokens.get(access_token)
        if scheme != "Bearer" or person is None:
            return HTTPStatus.UNAUTHORIZED, {"error": "invalid_token"}
        return HTTPStatus.OK, self._claims(person)

    @staticmethod
    def _claims(person: Person) -> dict[str, Any]:
        claims = {"sub": person.sub, "email": person.email, "email_verified": person.email_verified}
        if person.name:
            claims["name"] = person.name
        return claims


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class _Handler(BaseHTTPRequestHandler):
    provider: OidcProvider

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {name: values[0] for name, values in parse_qs(parts.query).items()}
        if parts.path == "/.well-known/openid-configuration":
            self._answer(HTTPStatus.OK, self.provider.configuration())
        elif parts.path == "/jwks":
            self._answer(HTTPStatus.OK, self.provider.jwks())
        elif parts.path == "/authorize":
            status, headers, body = self.provider.authorize(query)
            self._answer(status, body, headers)
        elif parts.path == "/userinfo":
            self._answer(*self.provider.userinfo(self.headers.get("Authorization", "")))
        else:
            self._answer(HTTPStatus.NOT_FOUND, {"error": "not_found"})

    def do_POST(self) -> None:
        if urlsplit(self.path).path != "/token":
            self._answer(HTTPStatus.NOT_FOUND, {"error": "not_found"})
            return
        length = int(self.headers.get("Content-Length", "0"))
        form = {
            name: values[0]
            for name, values in parse_qs(self.rfile.read(length).decode("ascii")).items()
        }
        self._answer(*self.provider.token(form, self._basic_auth()))

    def _basic_auth(self) -> tuple[str, str] | None:
        scheme, _, value = self.headers.get("Authorization", "").partition(" ")
        if scheme != "Basic":
            return None
        client_id, _, secret = base64.b64decode(value).decode().partition(":")
        return client_id, secret

    def _answer(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        payload = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        pass  # keep test output quiet
