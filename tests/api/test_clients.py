"""Two Digest implementations independent of ours (curl's and requests')
authenticate against the sandbox and list an organization's keys."""

import json
import re
import subprocess

import requests
from requests.auth import HTTPDigestAuth

from conftest import MEDIA_TYPE, SERVICE_ACCOUNT_MEDIA_TYPE

REDACTED = re.compile(r"^\*{8}-\*{4}-\*{4}-[0-9a-f]{12}$")


def check_key_list(body: dict) -> None:
    assert body["totalCount"] >= 10  # Acme Corp: ten keys and the admin
    assert all(REDACTED.match(key["privateKey"]) for key in body["results"])


def test_requests_digest_auth_lists_keys(sandbox):
    url = f"{sandbox['baseUrl']}/api/atlas/v2/orgs/{sandbox['orgId']}/apiKeys"
    auth = HTTPDigestAuth(sandbox["publicKey"], sandbox["privateKey"])
    response = requests.get(url, auth=auth, headers={"Accept": MEDIA_TYPE}, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == f"{MEDIA_TYPE};charset=utf-8"
    check_key_list(response.json())

    wrong = requests.get(url, auth=HTTPDigestAuth(sandbox["publicKey"], "wrong"), headers={"Accept": MEDIA_TYPE}, timeout=10)
    assert wrong.status_code == 401


def test_curl_digest_lists_keys(sandbox):
    url = f"{sandbox['baseUrl']}/api/atlas/v2/orgs/{sandbox['orgId']}/apiKeys"
    result = subprocess.run(
        [
            "curl", "--silent", "--show-error", "--fail", "--max-time", "10", "--digest",
            "--user", f"{sandbox['publicKey']}:{sandbox['privateKey']}",
            "--header", f"Accept: {MEDIA_TYPE}", url,
        ],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    check_key_list(json.loads(result.stdout))


def curl(*args: str) -> str:
    result = subprocess.run(
        ["curl", "--silent", "--show-error", "--fail", "--max-time", "10", *args],
        capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_curl_gets_a_token_for_a_service_account_and_uses_it(sandbox):
    # Made with requests' Digest, the admin key's way in.
    accounts = f"{sandbox['baseUrl']}/api/atlas/v2/orgs/{sandbox['orgId']}/serviceAccounts"
    created = requests.post(
        accounts,
        auth=HTTPDigestAuth(sandbox["publicKey"], sandbox["privateKey"]),
        headers={"Accept": SERVICE_ACCOUNT_MEDIA_TYPE, "Content-Type": SERVICE_ACCOUNT_MEDIA_TYPE},
        json={"name": "curl client", "description": "for curl", "roles": ["ORG_MEMBER"],
              "secretExpiresAfterHours": 8},
        timeout=10,
    )
    assert created.status_code == 201, created.text
    client_id = created.json()["clientId"]
    secret = created.json()["secrets"][0]["secret"]

    # As MongoDB's documentation shows it: Basic auth and a form body.
    answer = json.loads(curl(
        "--user", f"{client_id}:{secret}", "--data", "grant_type=client_credentials",
        f"{sandbox['baseUrl']}/api/oauth/token",
    ))
    assert answer["token_type"] == "Bearer" and answer["expires_in"] == 3600
    orgs = json.loads(curl(
        "--header", f"Authorization: Bearer {answer['access_token']}",
        "--header", f"Accept: {MEDIA_TYPE}", f"{sandbox['baseUrl']}/api/atlas/v2/orgs",
    ))
    assert any(org["id"] == sandbox["orgId"] for org in orgs["results"])


def test_the_start_line_of_a_service_account_admin_has_no_key_pair(tmp_path):
    from conftest import sandbox_binary
    process = subprocess.Popen(
        [str(sandbox_binary()), "--listen", "127.0.0.1:0", "--seed", "empty",
         "--admin", "service-account"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        line = json.loads(process.stdout.readline())
        assert line["clientId"].startswith("mdb_sa_id_")
        assert line["clientSecret"].startswith("mdb_sa_sk_")
        assert "privateKey" not in line and "publicKey" not in line
        answer = json.loads(curl(
            "--user", f"{line['clientId']}:{line['clientSecret']}",
            "--data", "grant_type=client_credentials", f"{line['baseUrl']}/api/oauth/token",
        ))
        orgs = json.loads(curl(
            "--header", f"Authorization: Bearer {answer['access_token']}",
            "--header", f"Accept: {MEDIA_TYPE}", f"{line['baseUrl']}/api/atlas/v2/orgs",
        ))
        assert [org["id"] for org in orgs["results"]] == [line["orgId"]]
    finally:
        process.terminate()
        process.wait(timeout=10)
