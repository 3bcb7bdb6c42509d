"""The client side: an ID token is trusted only if the provider signed it for us, for this sign-in."""

from __future__ import annotations

import base64
import json
import time

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from api_client.oidc import OidcClient, SignInError

from ..support import ISSUER


@pytest.fixture
def oidc(stack, clock):
    return OidcClient(issuer=ISSUER, transport=httpx.ASGITransport(app=stack), clock=clock)


@pytest.fixture
def key(data_dir) -> RSAKey:
    return RSAKey.import_key(json.loads((data_dir / "idp" / "signing-key.json").read_text()))


def id_claims(**overrides) -> dict:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": "sskdt-app", "sub": "s", "iat": now, "exp": now + 600, "nonce": "n1"}
    claims.update(overrides)
    return claims


def sign(key: RSAKey, claims: dict) -> str:
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key)


async def test_a_genuine_id_token_is_accepted(oidc, key):
    assert (await oidc.verify_id_token(sign(key, id_claims()), nonce="n1"))["sub"] == "s"


async def test_tampered_signature_is_refused(oidc, key):
    header, _payload, signature = sign(key, id_claims()).split(".")
    other = sign(key, id_claims(sub="someone-else")).split(".")[1]
    with pytest.raises(SignInError):
        await oidc.verify_id_token(f"{header}.{other}.{signature}", nonce="n1")


async def test_alg_none_is_refused(oidc):
    def b64(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    with pytest.raises(SignInError):
        await oidc.verify_id_token(f"{b64({'alg': 'none'})}.{b64(id_claims())}.", nonce="n1")


@pytest.mark.parametrize(
    "overrides",
    [{"aud": "another-app"}, {"iss": "https://evil.example"}, {"nonce": "replayed"}, {"exp": int(time.time()) - 3600}],
    ids=["wrong-audience", "wrong-issuer", "wrong-nonce", "expired"],
)
async def test_id_token_for_someone_else_is_refused(oidc, key, overrides):
    with pytest.raises(SignInError):
        await oidc.verify_id_token(sign(key, id_claims(**overrides)), nonce="n1")


async def test_token_from_another_signer_is_refused(oidc):
    with pytest.raises(SignInError):
        await oidc.verify_id_token(sign(RSAKey.generate_key(2048, parameters={"kid": "x"}), id_claims()), nonce="n1")


async def test_state_mismatch_is_refused(oidc, stack):
    await oidc.metadata()
    pending = oidc.begin("http://127.0.0.1:5000/cb")
    with pytest.raises(SignInError):
        await oidc.complete(pending, "any-code", state="forged")
