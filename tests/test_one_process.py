"""The composed service as `main.py` serves it: web app, API and provider side by side."""

from __future__ import annotations

import httpx

from main import StackConfig, create_stack

from .support import BASE_URL


async def test_web_app_api_and_provider_share_one_port_without_swallowing_paths(data_dir):
    stack = create_stack(StackConfig(public_url=BASE_URL, data_dir=data_dir), web=True)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=stack), base_url=BASE_URL) as http:
        page = await http.get("/")
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        for path in ("/api/v1/no-such-thing", "/api/nothing", "/idp/no-such-thing"):
            response = await http.get(path)
            assert response.status_code == 404, path
            assert response.headers["content-type"].startswith("application/json"), path
        assert (await http.get("/idp/.well-known/openid-configuration")).json()["issuer"] == f"{BASE_URL}/idp"
        assert (await http.get("/api/v1/health")).json() == {"status": "ok"}
