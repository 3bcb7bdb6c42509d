"""The API trusts only access tokens signed by the provider's JWKS, for this audience, not expired."""

from __future__ import annotations

import json
import time

from joserfc import jwt
from joserfc.jwk import RSAKey

from ..conftest import bearer
from ..support import ISSUER


def provider_key(data_dir) -> RSAKey:
    return RSAKey.import_key(json.loads((data_dir / "idp" / "signing-key.json").read_text()))


def access_claims(**overrides) -> dict:
    now = int(time.time())
    claims = {"iss": ISSUER, "sub": "x", "aud": "sskdt-api", "acr": "vneid:level2", "personal_id": "001055001234",
              "name": "Nguyễn Văn Hùng", "iat": now, "exp": now + 600}
    claims.update(overrides)
    return claims


def sign(key: RSAKey, claims: dict, typ: str = "at+jwt") -> str:
    return jwt.encode({"alg": "RS256", "kid": key.kid, "typ": typ}, claims, key)


async def get_book(http, token: str):
    return await http.get("/api/v1/me/book", headers={"Authorization": f"Bearer {token}"})


async def test_missing_token_asks_to_sign_in(http):
    response = await http.get("/api/v1/me/book")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_a_correctly_signed_token_is_accepted(http, data_dir):
    assert (await get_book(http, sign(provider_key(data_dir), access_claims()))).status_code == 200


async def test_expired_access_token_is_refused(login, http, clock):
    tokens = await login("001055001234")
    clock.advance(15 * 60 + 31)
    response = await http.get("/api/v1/me/book", headers=bearer(tokens))
    assert response.status_code == 401 and response.json()["error"]["code"] == "token_expired"


async def test_token_signed_by_another_key_is_refused(http):
    stranger = RSAKey.generate_key(2048, parameters={"kid": "stranger"})
    response = await get_book(http, sign(stranger, access_claims()))
    assert response.status_code == 401 and response.json()["error"]["code"] == "invalid_token"


async def test_tampered_token_is_refused(http, data_dir):
    header, _payload, signature = sign(provider_key(data_dir), access_claims()).split(".")
    forged = sign(provider_key(data_dir), access_claims(personal_id="001190004567")).split(".")[1]
    assert (await get_book(http, f"{header}.{forged}.{signature}")).status_code == 401


async def test_alg_none_is_refused(http):
    import base64

    def b64(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    unsigned = f"{b64({'alg': 'none', 'typ': 'at+jwt'})}.{b64(access_claims())}."
    assert (await get_book(http, unsigned)).status_code == 401


async def test_wrong_audience_or_issuer_is_refused(http, data_dir):
    key = provider_key(data_dir)
    assert (await get_book(http, sign(key, access_claims(aud="another-api")))).status_code == 401
    assert (await get_book(http, sign(key, access_claims(iss="https://other.example/idp")))).status_code == 401


async def test_an_id_token_is_not_an_access_token(login, http):
    tokens = await login("001055001234")
    response = await get_book(http, tokens.id_token)
    assert response.status_code == 401
