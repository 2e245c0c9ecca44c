"""A real S3-protocol server on loopback for tests: moto's `moto_server`.

Started on a free port on first use, waited for until it answers, and stopped by PID at
the end of the test session. Set THOTH_TEST_S3_ENDPOINT to use a server already running.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bench.janusgraph_server import free_port

ENDPOINT_VARIABLE = "THOTH_TEST_S3_ENDPOINT"
# moto accepts any credentials; real ones must never be needed by the suite.
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "thoth-test-access-key",
    "AWS_SECRET_ACCESS_KEY": "thoth-test-secret-key",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str

    def create_bucket(self) -> str:
        """A new, empty bucket's name (created with the stdlib: a plain PUT)."""
        bucket = f"thoth-{secrets.token_hex(6)}"
        request = urllib.request.Request(f"{self.endpoint_url}/{bucket}", method="PUT")
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        return bucket

    def url(self, bucket: str, prefix: str = "") -> str:
        return f"s3://{bucket}/{prefix}?endpoint_url={self.endpoint_url}"


def _wait_until_up(endpoint: str, process: subprocess.Popen[bytes], deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"moto_server did not answer on {endpoint}")


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """One moto_server for the session; its PID is killed at the end."""
    configured = os.environ.get(ENDPOINT_VARIABLE)
    if configured:
        yield S3Server(configured.rstrip("/"))
        return
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    executable = Path(sys.executable).with_name("moto_server")
    process = subprocess.Popen(
        [str(executable), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_until_up(endpoint, process, time.monotonic() + 30)
        yield S3Server(endpoint)
    finally:
        process.terminate()  # by its PID, which this fixture started
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def s3_credentials(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Test credentials in the environment, where botocore looks for them."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    return dict(CREDENTIALS)
