"""Starts the real `atlas-sandbox` binary once for the whole session."""

import json
import os
import subprocess
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "tests" / "fixtures" / "atlas-api" / "atlas-admin-v2.yaml"
MEDIA_TYPE = "application/vnd.atlas.2023-01-01+json"
SERVICE_ACCOUNT_MEDIA_TYPE = "application/vnd.atlas.2024-08-05+json"


def sandbox_binary() -> Path:
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return Path(os.environ.get("ATLAS_SANDBOX_BIN", target / "debug" / "atlas-sandbox"))


def run_sandbox(*args: str):
    """Starts the sandbox binary with `args`, yields its start line, stops it."""
    binary = sandbox_binary()
    assert binary.is_file(), f"{binary} is missing: run `cargo build -p atlas-sandbox` first"
    process = subprocess.Popen(
        [str(binary), "--listen", "127.0.0.1:0", *args],
        stdout=subprocess.PIPE,
        text=True,
    )
    line: list[str] = []
    reader = threading.Thread(target=lambda: line.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout=10)
    try:
        assert line and line[0].strip(), "atlas-sandbox printed no start line within 10 s"
        yield json.loads(line[0])
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def sandbox():
    yield from run_sandbox("--seed", "demo")


@pytest.fixture(scope="session")
def service_account_sandbox():
    """The demo seed with its admin a service account as well (clientId and
    clientSecret in the start line)."""
    yield from run_sandbox("--seed", "demo", "--admin", "service-account")
