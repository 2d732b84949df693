"""The benchmark's peer: a sequential Atlas Admin API client built on
`requests` and `HTTPDigestAuth`, page by page, the way the existing Python
Atlas clients work. It does the same work as the Rust side of the benchmark
and prints one JSON line with how long it took.

The private key comes from the environment (PEER_PRIVATE_KEY), never argv.
"""

import argparse
import json
import os
import sys
import time

import requests
from requests.auth import HTTPDigestAuth

MEDIA_TYPE = "application/vnd.atlas.2023-01-01+json"
PAGE = 100  # the API's default page size, which these clients keep


class Client:
    def __init__(self, base_url: str, public_key: str, private_key: str):
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()
        self.session.auth = HTTPDigestAuth(public_key, private_key)
        self.session.headers.update({"Accept": MEDIA_TYPE})
        self.requests = 0

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
    invite = sub.add_parser("invite", help="one key into many projects")
    invite.add_argument("--key", required=True)
    invite.add_argument("--role", required=True)
    invite.add_argument("projects", nargs="+")
    args = parser.parse_args()

    client = Client(args.base_url, args.public_key, os.environ["PEER_PRIVATE_KEY"])
    started = time.perf_counter()
    if args.workload == "requests":
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
