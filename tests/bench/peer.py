"""The benchmark's peer: a sequential Atlas Admin API client built on
`requests` and `HTTPDigestAuth`, page by page, the way the existing Python
Atlas clients work. It does the same work as the Rust side of the benchmark
and prints one JSON line with how long it took.

The private key comes from the environment (PEER_PRIVATE_KEY), never argv;
so does a service account's secret (PEER_CLIENT_SECRET).
"""

import argparse
import json
import os
import sys
import time

import requests
from requests.auth import HTTPDigestAuth

MEDIA_TYPE = "application/vnd.atlas.2023-01-01+json"
SERVICE_ACCOUNT_MEDIA_TYPE = "application/vnd.atlas.2024-08-05+json"
PAGE = 100  # the API's default page size, which these clients keep


class Client:
    def __init__(self, base_url: str, public_key: str, private_key: str):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.auth = HTTPDigestAuth(public_key, private_key)
        self.session.headers.update({"Accept": MEDIA_TYPE})
        self.requests = 0

    def use_service_account(self, client_id: str, secret: str) -> None:
        """Bearer instead of Digest: one token, as MongoDB's examples get it."""
        self.requests += 1
        response = requests.post(
            self.base_url + "/api/oauth/token",
            auth=(client_id, secret),
            data={"grant_type": "client_credentials"},
            timeout=30,
        )
        response.raise_for_status()
        self.session.auth = None
        self.session.headers["Authorization"] = "Bearer " + response.json()["access_token"]

    def call(self, method: str, path: str, **kwargs):
        self.requests += 1
        response = self.session.request(method, self.base_url + path, timeout=30, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def list_all(self, path: str):
        items, page = [], 1
        while True:
            body = self.call("GET", path, params={"itemsPerPage": PAGE, "pageNum": page})
            items.extend(body["results"])
            if not any(link.get("rel") == "next" for link in body.get("links", [])):
                return items
            page += 1


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--public-key", required=True)
    sub = parser.add_subparsers(dest="workload", required=True)
    many = sub.add_parser("requests", help="N authenticated GETs, one after another")
    many.add_argument("--count", type=int, required=True)
    many.add_argument("--path", default="/api/atlas/v2/orgs")
    inventory = sub.add_parser("inventory", help="keys, projects, then every key's access list")
    inventory.add_argument("--org", required=True)
    accounts = sub.add_parser(
        "service-accounts", help="as a service account: every account, its access list and projects"
    )
    accounts.add_argument("--org", required=True)
    accounts.add_argument("--client-id", required=True)
    invite = sub.add_parser("invite", help="one key into many projects")
    invite.add_argument("--key", required=True)
    invite.add_argument("--role", required=True)
    invite.add_argument("projects", nargs="+")
    args = parser.parse_args()

    client = Client(args.base_url, args.public_key, os.environ.get("PEER_PRIVATE_KEY", ""))
    started = time.perf_counter()
    if args.workload == "service-accounts":
        client.use_service_account(args.client_id, os.environ["PEER_CLIENT_SECRET"])
        client.session.headers["Accept"] = SERVICE_ACCOUNT_MEDIA_TYPE
        base = f"/api/atlas/v2/orgs/{args.org}/serviceAccounts"
        for account in client.list_all(base):
            client.list_all(f"{base}/{account['clientId']}/accessList")
            client.list_all(f"{base}/{account['clientId']}/groups")
    elif args.workload == "requests":
        for _ in range(args.count):
            client.call("GET", args.path)
    elif args.workload == "inventory":
        keys = client.list_all(f"/api/atlas/v2/orgs/{args.org}/apiKeys")
        client.list_all(f"/api/atlas/v2/orgs/{args.org}/groups")
        for key in keys:
            client.list_all(f"/api/atlas/v2/orgs/{args.org}/apiKeys/{key['id']}/accessList")
    else:
        for project in args.projects:
            client.call(
                "POST",
                f"/api/atlas/v2/groups/{project}/apiKeys/{args.key}",
                json=[{"roles": [args.role]}],
                headers={"Content-Type": MEDIA_TYPE},
            )
    elapsed = time.perf_counter() - started
    print(json.dumps({"elapsed": elapsed, "requests": client.requests}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
