"""Schemathesis against the sandbox over the spec subset: no 5xx, and every
answer conforms to the spec in its schema, content type and headers.

- The API-key and project operations are sent with Digest auth (each case
  through requests' HTTPDigestAuth).
- The service-account operations are sent with a Bearer token of the admin
  service account (`--admin service-account`), in their own media type.
- The events operations are sent with Digest auth, as the API-key ones.
Checks left out, and why:
- status_code_conformance: the subset omits error statuses Atlas answers
  (400 on a create, say); error bodies are still checked against ApiError
  by the Rust suite;
- positive_data_acceptance / negative_data_rejection: they judge the spec's
  completeness (role names are free strings in the spec, but Atlas accepts
  only real roles);
- ignored_auth: it replays with schemathesis's own auth, which Digest is not.
"""

import json
from pathlib import Path

import pytest
import requests
import schemathesis
import yaml
from hypothesis import HealthCheck, settings
from requests.auth import HTTPDigestAuth
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
)

from conftest import MEDIA_TYPE, ROOT, SERVICE_ACCOUNT_MEDIA_TYPE, SPEC

DEVIATIONS = ROOT / "src-tauri" / "sandbox" / "tests" / "spec-deviations.json"
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance, response_headers_conformance]


def spec_as_atlas_answers() -> dict:
    raw = yaml.safe_load(Path(SPEC).read_text())
    for relaxation in json.loads(DEVIATIONS.read_text())["relaxations"]:
        node = raw["components"]
        for part in relaxation["pointer"].strip("/").split("/"):
            node = node[part]
        del node[relaxation["keyword"]]
    return raw


def digest_schema(sandbox: dict, raw: dict | None = None):
    schema = schemathesis.openapi.from_dict(raw or spec_as_atlas_answers())
    schema.config.update(
        base_url=sandbox["baseUrl"],
        headers={"Accept": MEDIA_TYPE},
        # Real ids let the generated requests reach past "not found".
        parameters={"orgId": sandbox["orgId"], "groupId": sandbox["projectIds"][0]},
    )
    return schema


@pytest.fixture(scope="session")
def api_schema(sandbox):
    return digest_schema(sandbox)


schema = schemathesis.pytest.from_fixture("api_schema").exclude(
    path_regex="serviceAccounts"
)


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_sandbox_conforms(case, sandbox):
    auth = HTTPDigestAuth(sandbox["publicKey"], sandbox["privateKey"])
    response = case.call(auth=auth, timeout=10)
    case.validate_response(response, checks=CHECKS)


def bearer_token(sandbox: dict) -> str:
    answer = requests.post(
        f"{sandbox['baseUrl']}/api/oauth/token",
        auth=(sandbox["clientId"], sandbox["clientSecret"]),
        data={"grant_type": "client_credentials"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def a_seeded_account(sandbox: dict, token: str) -> str:
    """A seeded service account other than the admin, so that the generated
    requests reach a real account (and a generated delete does not end the
    admin's own access)."""
    answer = requests.get(
        f"{sandbox['baseUrl']}/api/atlas/v2/orgs/{sandbox['orgId']}/serviceAccounts",
        headers={"Authorization": f"Bearer {token}", "Accept": SERVICE_ACCOUNT_MEDIA_TYPE},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    others = [a["clientId"] for a in answer.json()["results"] if a["clientId"] != sandbox["clientId"]]
    assert others, "the demo seed has service accounts"
    return others[0]


def bearer_schema(service_account_sandbox: dict, raw: dict | None = None):
    token = bearer_token(service_account_sandbox)
    schema = schemathesis.openapi.from_dict(raw or spec_as_atlas_answers())
    schema.config.update(
        base_url=service_account_sandbox["baseUrl"],
        headers={"Accept": SERVICE_ACCOUNT_MEDIA_TYPE, "Authorization": f"Bearer {token}"},
        parameters={
            "orgId": service_account_sandbox["orgId"],
            "groupId": service_account_sandbox["projectIds"][0],
            "clientId": a_seeded_account(service_account_sandbox, token),
        },
    )
    return schema


@pytest.fixture(scope="session")
def service_account_schema(service_account_sandbox):
    return bearer_schema(service_account_sandbox)


service_account_operations = schemathesis.pytest.from_fixture("service_account_schema").include(
    path_regex="serviceAccounts"
)


@service_account_operations.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_service_account_operations_conform_with_a_bearer_token(case):
    response = case.call(timeout=10)
    case.validate_response(response, checks=CHECKS)
    assert response.status_code != 401, f"the admin's token was refused: {response.text}"


# Negative: requests schemathesis makes invalid against the spec (a wrong
# type, a value out of range or outside an enum, a missing or unknown
# attribute, a malformed parameter), over every operation the sandbox
# serves, with Digest and with Bearer. Each is refused with a 4xx, never 5xx.


# Sent once, a repeatable query parameter reads as one value: schemathesis's
# "not an array" is the same request as a one-item array, no case to refuse.
REPEATABLE = {"eventType", "excludedEventType", "clusterNames"}
# Operations with nothing a test may make invalid: no body, no query
# parameter, and path ids the test fixes to real ones.
NOTHING_TO_NEGATE = (
    "/api/atlas/v2",
    "/api/atlas/v2/groups/{groupId}",
    "/api/atlas/v2/orgs/{orgId}",
    "/api/atlas/v2/orgs/{orgId}/settings",
    "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}",
    "/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}",
    "/api/atlas/v2/orgs/{orgId}/serviceAccounts/{clientId}/secrets/{secretId}",
    "/api/atlas/v2/groups/{groupId}/serviceAccounts/{clientId}/secrets/{secretId}",
)


def spec_for_negative_cases() -> dict:
    raw = spec_as_atlas_answers()
    parameters = raw["components"].get("parameters", {})
    for item in raw["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict) or "parameters" not in operation:
                continue

            def repeatable(parameter):
                if "$ref" in parameter:
                    parameter = parameters[parameter["$ref"].rsplit("/", 1)[-1]]
                return parameter.get("name") in REPEATABLE

            operation["parameters"] = [p for p in operation["parameters"] if not repeatable(p)]
    return raw


def negative(schema):
    # A query parameter the spec does not name is ignored, as Atlas is taken
    # to do (spec-deviations.json): not a case to refuse.
    schema.config.generation.update(
        modes=[schemathesis.GenerationMode.NEGATIVE], allow_extra_parameters=False
    )
    # The sandbox's made-up values: a failure shows the request whole.
    schema.config.output.sanitization.update(enabled=False)
    return schema


def assert_refused(case, response):
    # negative_data_rejection: a case schemathesis made invalid is answered 4xx.
    case.validate_response(response, checks=[not_a_server_error, negative_data_rejection])


@pytest.fixture(scope="session")
def negative_digest_schema(sandbox):
    return negative(digest_schema(sandbox, spec_for_negative_cases()))


@pytest.fixture(scope="session")
def negative_bearer_schema(service_account_sandbox):
    return negative(bearer_schema(service_account_sandbox, spec_for_negative_cases()))


negative_digest = (
    schemathesis.pytest.from_fixture("negative_digest_schema")
    .exclude(path_regex="serviceAccounts")
    .exclude(path=list(NOTHING_TO_NEGATE), method="GET")
)
negative_bearer = (
    schemathesis.pytest.from_fixture("negative_bearer_schema")
    .include(path_regex="serviceAccounts")
    .exclude(path=list(NOTHING_TO_NEGATE))
)


@negative_digest.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_invalid_requests_are_refused_with_digest(case, sandbox):
    auth = HTTPDigestAuth(sandbox["publicKey"], sandbox["privateKey"])
    assert_refused(case, case.call(auth=auth, timeout=10))


@negative_bearer.parametrize()
@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
def test_invalid_requests_are_refused_with_a_bearer_token(case):
    assert_refused(case, case.call(timeout=10))
