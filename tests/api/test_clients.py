"""Two Digest implementations independent of ours (curl's and requests')
authenticate against the sandbox and list an organization's keys."""

import json
import re
import subprocess

import requests
from requests.auth import HTTPDigestAuth

from conftest import MEDIA_TYPE

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
