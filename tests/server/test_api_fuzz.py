"""Schemathesis over the API's own OpenAPI document, in process, bounded and deterministic.

Four runs of the whole stack (so the paths are the ones clients use, /api/v1/...):

- anonymous: every operation, no credentials;
- citizen: every operation as a level-2 citizen (001055001234), with the access token of a real
  code + PKCE sign-in (the `login` fixture);
- receptionist: the same as the receptionist of facility 01901 (001192006789);
- gateway: the gateway's operations only, with the API key the demo seed wrote for facility 01902.

Each run is the Schemathesis engine (what `schemathesis run` drives): the examples and coverage
phases, then `MAX_EXAMPLES` fuzzed cases per operation, in positive and negative generation modes,
under a fixed seed with Hypothesis derandomized, no example database, no deadline. The run goes to
the end and the test fails once, listing every distinct failure with the response and a curl line
(tokens filtered out). Stateful testing is off: it is not bounded by `MAX_EXAMPLES`.

Checks: all of Schemathesis's (server errors, status codes, content types, response headers and
schemas, negative data rejection, positive data acceptance, undeclared methods) plus
`error_envelope` below, because the response-schema check only sees the statuses the document
declares (not 405 or 500, say) and would accept an envelope without `details`. Any exception that
escapes the app fails the run as well.

Run time grows with `MAX_EXAMPLES` (the coverage phase is a fixed part): about 75 s at 50 on a
2-core machine, about 130 s at 100. Set SSKDT_FUZZ_EXAMPLES to change it for one run, e.g.
`SSKDT_FUZZ_EXAMPLES=10` for a quick look, 300 to dig deeper; SSKDT_FUZZ_SEED picks other cases.
"""

from __future__ import annotations

import logging
import os
import traceback

import pytest
import schemathesis
import schemathesis.engine
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis.engine import events
from schemathesis.engine.statistic import Statistic

from server.gateway.signing import load_credentials

MAX_EXAMPLES = int(os.environ.get("SSKDT_FUZZ_EXAMPLES", "50"))
SEED = int(os.environ.get("SSKDT_FUZZ_SEED", "20260101"))

CITIZEN = "001055001234"  # level 2, has a book
RECEPTIONIST = "001192006789"  # reception at 01901
GATEWAY_FACILITY = "01902"

# Positive data acceptance asks that a request the schema calls valid is not refused with 400/422.
# It stays on where the schema says everything a valid request must be, and is off where it cannot:
# the gateway's body is "a string" but must be a QĐ 130 envelope signed with the facility's key; the
# QR decoder needs a picture with a code in it; visits and representatives carry identifiers (CCCD,
# phone, ICD-10) that the document types as plain strings and the server checks by rule, and so does
# the counter's look-up (a chip card's QR text, a personal ID or a BHYT code, all "a string").
POSITIVE_ACCEPTANCE_OFF = [
    "/v1/gateway/submissions",
    "/v1/clinic/qr-decode",
    "/v1/clinic/visits",
    "/v1/clinic/identify",
    "/v1/gateway/practitioners",  # codes must be unique, which JSON Schema cannot say of objects
    "/v1/me/representative",
]
# What valid data may still meet: nobody's (404) or spent (409, 410) ids, a throttle (429), a caller
# without the role (401, 403). Server errors are reported by `not_a_server_error`.
POSITIVE_STATUSES = ["2xx", "3xx", "401", "403", "404", "409", "410", "429", "5xx"]

log = logging.getLogger("tests.fuzz")


# ------------------------------------------------------------------------- the envelope check


def envelope_problems(body: object) -> list[str]:
    if not isinstance(body, dict) or set(body) != {"error"}:
        return ['the body is not an object with the single key "error"']
    error = body["error"]
    if not isinstance(error, dict) or set(error) != {"code", "message", "details"}:
        return ['"error" is not an object with exactly "code", "message" and "details"']
    problems = []
    if not isinstance(error["code"], str) or not error["code"]:
        problems.append('"error.code" is not a non-empty string')
    if not isinstance(error["message"], str) or not error["message"]:
        problems.append('"error.message" is not a non-empty string')
    if not isinstance(error["details"], list):
        problems.append('"error.details" is not a list')
    else:
        for i, detail in enumerate(error["details"]):
            if (
                not isinstance(detail, dict)
                or set(detail) != {"field", "message"}
                or not (detail["field"] is None or isinstance(detail["field"], str))
                or not isinstance(detail["message"], str)
            ):
                problems.append(f'"error.details[{i}]" is not {{"field": string or null, "message": string}}')
    return problems


# A person's page, not the JSON API: its own refusals (too large, too many checks, busy) are pages too.
HTML_PAGES = {"/v1/papers/verify"}


@schemathesis.check
def error_envelope(ctx, response, case):
    """Every error, declared or not: {"error": {"code", "message", "details": [{"field", "message"}]}}."""
    if response.status_code < 400:
        return None
    content_type = (response.headers.get("content-type") or [""])[0]
    if case.operation.path in HTML_PAGES and content_type.startswith("text/html"):
        return None  # what the page says to a person; a method or route the API refuses is the envelope still
    if not content_type.startswith("application/json"):
        raise AssertionError(
            f"{response.status_code} answered with Content-Type {content_type!r}, not the JSON error envelope\n"
            f"Body: {response.content[:300]!r}"
        )
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(
            f"{response.status_code} answered with a body that is not JSON: {response.content[:300]!r}"
        ) from None
    if problems := envelope_problems(body):
        raise AssertionError(f"{response.status_code} is not the error envelope: {'; '.join(problems)}\nBody: {body!r}")
    return None


def test_the_envelope_check_itself():
    good = {"error": {"code": "not_found", "message": "Không có", "details": [{"field": None, "message": "x"}]}}
    assert envelope_problems(good) == []
    assert envelope_problems({"detail": "Not Found"})
    assert envelope_problems({"error": {"code": "x", "message": "y"}})  # no details
    assert envelope_problems({"error": {"code": "", "message": "y", "details": []}})
    assert envelope_problems({"error": {"code": "x", "message": "y", "details": [{"msg": "z"}]}})


# ------------------------------------------------------------------------- the app, as served


def as_served(app, escaped: list[str]):
    """The stack as a client behind uvicorn sees it. Starlette re-raises an unhandled exception after
    its 500 went out (for test clients); a server logs it and the client keeps the 500. Here it is
    kept in `escaped`, so the run goes on, reports the 500, and the test fails for the exception too."""

    async def served(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        started = False

        async def tracking_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await app(scope, receive, tracking_send)
        except Exception as exc:
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            escaped.append(
                f"{scope['method']} {scope['path']}: {type(exc).__name__}: {exc} "
                f"(raised at {frame.filename}:{frame.lineno}; traceback in the captured log)"
            )
            if not started:  # nothing answered, so nothing logged it either; uvicorn would send this
                log.error("exception out of the app on %s %s", scope["method"], scope["path"], exc_info=exc)
                await send(
                    {
                        "type": "http.response.start",
                        "status": 500,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8")],
                    }
                )
                await send({"type": "http.response.body", "body": b"Internal Server Error"})

    return served


# ------------------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def hypothesis_home(tmp_path_factory):
    """Hypothesis caches its Unicode tables under ./.hypothesis: keep them out of the work tree."""
    set_hypothesis_home_dir(tmp_path_factory.mktemp("hypothesis"))
    yield
    set_hypothesis_home_dir(None)


@pytest.fixture(params=["anonymous", "citizen", "receptionist", "gateway"])
def identity(request) -> str:
    return request.param


@pytest.fixture
async def authorization(identity, login, data_dir) -> str | None:
    if identity == "anonymous":
        return None
    if identity == "gateway":
        return "Bearer " + load_credentials(data_dir / "demo" / "facilities" / GATEWAY_FACILITY).api_key
    tokens = await login(CITIZEN if identity == "citizen" else RECEPTIONIST)
    return f"Bearer {tokens.access_token}"


def fuzz_config(authorization: str | None, *, gateway_only: bool = False) -> schemathesis.Config:
    operations = [
        {"include-path": path, "checks": {"positive_data_acceptance": {"enabled": False}}}
        for path in POSITIVE_ACCEPTANCE_OFF
    ]
    if gateway_only:
        # An `[[operations]]` entry, not `schema.include(tag=...)`: once such entries exist,
        # Schemathesis ORs `include` with its own catch-all filter and every operation would run.
        operations.append({"exclude-tag": "gateway", "enabled": False})
    config = {
        "seed": SEED,
        "cache": {"enabled": False},  # nothing written under ./.schemathesis
        "suppress-health-check": ["too_slow"],  # timing, not data: the only one a slow machine changes
        "generation": {
            "mode": "all",  # positive and negative
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,  # Hypothesis's derandomize
            "database": "none",
        },
        "phases": {
            "examples": {"enabled": True},
            "coverage": {"enabled": True},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": False},
        },
        "checks": {
            "enabled": True,
            "positive_data_acceptance": {"expected-statuses": POSITIVE_STATUSES},
        },
        "operations": operations,
    }
    if authorization:
        config["headers"] = {"Authorization": authorization}
    return schemathesis.Config.from_dict(config)


@pytest.fixture
def escaped() -> list[str]:
    return []


@pytest.fixture
def api_schema(stack, identity, authorization, escaped):
    config = fuzz_config(authorization, gateway_only=identity == "gateway")
    # The fuzzer is one address sending thousands of checks: past /verify's budget it would only meet 429.
    api = next(app for mounted, app, _ in stack.parts if mounted == "/api")
    api.state.paper_check_throttle.limit = 1_000_000
    return schemathesis.openapi.from_asgi("/api/openapi.json", as_served(stack, escaped), config=config)


# ------------------------------------------------------------------------- the run


def run_engine(schema) -> tuple[Statistic, list[str]]:
    statistic = Statistic()
    errors: list[str] = []
    for event in schemathesis.engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished) and event.is_test_scenario:
            statistic.on_scenario_finished(event.recorder)
        elif isinstance(event, events.NonFatalError):
            errors.append(f"{event.label}: {event.info.title}\n{event.info.message}")
        elif isinstance(event, events.FatalError):
            raise event.exception
        elif isinstance(event, events.EngineFinished) and event.failures:
            statistic.record_run_check_failures(event.failures, label="after the run")
    return statistic, errors


def summary_line(label: str, group) -> str:
    response = group.response
    status = response.status_code if response is not None else "-"
    body = response.content[:160].decode("utf-8", "replace") if response is not None and response.content else ""
    titles = ", ".join(sorted({f"{failure.code} {failure.title}" for failure in group.failures}))
    return f"  {label}: [{status}] {titles} | {body!r}"


def report(statistic: Statistic, errors: list[str], escaped: list[str], config) -> str:
    """One line per failing case first, then Schemathesis's own account of each with a curl line."""
    ordered = sorted(statistic.failures.items())
    lines = ["Summary:", *(summary_line(label, group) for label, groups in ordered for group in groups.values())]
    lines += [f"  exception in the app: {line}" for line in dict.fromkeys(escaped)]
    for label, groups in ordered:
        lines.append(f"\n__________ {label} __________")
        lines += [
            group.format(index=i, curl=group.code_sample, config=config.output)
            for i, group in enumerate(groups.values(), 1)
        ]
    lines += [f"\nError (in the run, not a response): {error}" for error in errors]
    return "\n".join(lines)


def test_api_fuzz(api_schema, escaped):
    statistic, errors = run_engine(api_schema)
    if not statistic.tested_operations:
        pytest.fail("no operation was tested", pytrace=False)
    if statistic.failures or errors or escaped:
        pytest.fail(
            f"{statistic.total_failures} failure(s) in {len(statistic.failures)} operation(s), "
            f"{len(errors)} run error(s), {len(escaped)} exception(s) out of the app; {statistic.total_cases} cases\n"
            + report(statistic, errors, escaped, api_schema.config),
            pytrace=False,
        )
