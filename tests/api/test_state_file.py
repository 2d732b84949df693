"""`--state FILE` survives `kill -9` at any moment: the file always holds a
whole state (the previous or the new one), and the sandbox starts from it."""

import json
import random
import signal
import subprocess
import threading
import time

import requests
from requests.auth import HTTPDigestAuth

from conftest import MEDIA_TYPE, sandbox_binary


def start(state):
    process = subprocess.Popen(
        [str(sandbox_binary()), "--listen", "127.0.0.1:0", "--seed", "empty", "--state", str(state)],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    assert line, "no start line"
    return process, json.loads(line)


def keep_creating(info, stop):
    session = requests.Session()
    session.auth = HTTPDigestAuth(info["publicKey"], info["privateKey"])
    url = f"{info['baseUrl']}/api/atlas/v2/orgs/{info['orgId']}/apiKeys"
    count = 0
    while not stop.is_set() and count < 2000:
        try:
            session.post(url, json={"desc": f"key {count}", "roles": ["ORG_MEMBER"]},
                         headers={"Accept": MEDIA_TYPE, "Content-Type": MEDIA_TYPE}, timeout=5)
        except requests.RequestException:
            return
        count += 1


def test_kill_9_mid_write_leaves_a_whole_state(tmp_path):
    state = tmp_path / "state.json"
    rng = random.Random(7)
    saved_keys = []
    for _ in range(6):
        process, info = start(state)
        stop = threading.Event()
        writer = threading.Thread(target=keep_creating, args=(info, stop), daemon=True)
        writer.start()
        time.sleep(rng.uniform(0.05, 0.4))
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        stop.set()
        writer.join(timeout=10)

        data = json.loads(state.read_text())  # a whole JSON document, never half
        saved_keys.append(len(data["keys"]))
        leftovers = [p.name for p in tmp_path.iterdir() if p.name != "state.json"]
        assert leftovers in ([], [".state.json.tmp"]), leftovers
    assert saved_keys == sorted(saved_keys), "no change once saved is lost"
    assert saved_keys[-1] > 1, "the runs created keys"
    # As a kill mid-write leaves it, whether or not the runs above did.
    (tmp_path / ".state.json.tmp").write_text('{"keys": [')
    process, info = start(state)
    try:
        leftovers = [p.name for p in tmp_path.iterdir() if p.name != "state.json"]
        assert leftovers == [], f"a cut-off write's file is removed at start: {leftovers}"
        listed = requests.get(
            f"{info['baseUrl']}/api/atlas/v2/orgs/{info['orgId']}/apiKeys?itemsPerPage=1",
            auth=HTTPDigestAuth(info["publicKey"], info["privateKey"]),
            headers={"Accept": MEDIA_TYPE}, timeout=10,
        )
        assert listed.status_code == 200
        assert listed.json()["totalCount"] == saved_keys[-1]
    finally:
        process.terminate()
        process.wait(timeout=10)
