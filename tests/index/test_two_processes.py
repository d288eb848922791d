"""One data folder, two processes: a running server sees what ``ngoaid ingest`` and ``ngoaid docs
remove`` in another process commit, its nearest-neighbour search included."""

from __future__ import annotations

import httpx
import pytest

from eval.measure import stop_process
from tests.helpers import SAMPLES, invoke_cli, start_server_process

pytestmark = pytest.mark.slow

# A report no keyword of the query below matches ("safeguarding ocean animals"): only the vector side
# of the search can find it, so the test fails when the server's vector store misses the new document.
REPORT = (
    "Whale shark conservation on the southern coast\n\n"
    "In 2022 a foreign foundation funded a programme to protect whale sharks and coral reefs along the "
    "southern coast, training 40 fishermen as marine rangers and tagging 12 whale sharks.\n"
)
QUERY = "safeguarding ocean animals"


def _found(client: httpx.Client, query: str) -> list[str]:
    response = client.post("/search", json={"query": query, "top_k": 3})
    assert response.status_code == 200
    return [r["doc"] for r in response.json()["results"]]


def test_a_server_sees_what_another_process_ingests_and_removes(tmp_path):
    data = tmp_path / "data"
    assert invoke_cli("ingest", str(SAMPLES), "--data-dir", str(data)).returncode == 0
    proc, base = start_server_process(data, tmp_path / "server.log", timeout=240)
    try:
        with httpx.Client(base_url=base, timeout=60) as client:
            assert "ca-map-voi.txt" not in _found(client, QUERY)
            report = tmp_path / "ca-map-voi.txt"
            report.write_text(REPORT, encoding="utf-8")
            # this test's process is not the server's: it writes the folder as `ngoaid ingest` would
            assert invoke_cli("ingest", str(report), "--data-dir", str(data)).returncode == 0
            assert _found(client, QUERY)[0] == "ca-map-voi.txt"
            answer = client.post("/ask", json={"question": "How many whale sharks were tagged?"}).json()
            assert "12" in answer["answer"] and answer["citations"][0]["doc"] == "ca-map-voi.txt"
            # the server's own upload afterwards: its vectors are its own, and the other process's stay
            upload = client.post("/documents", files={"files": ("cau.txt", b"Report\n\nIn 2021 a donor built 7 bridges over mountain rivers for 7 villages.\n")})
            assert upload.status_code == 200
            assert _found(client, "river crossings constructed for hamlets")[0] == "cau.txt"
            assert _found(client, QUERY)[0] == "ca-map-voi.txt"
            assert invoke_cli("docs", "remove", "ca-map-voi.txt", "--data-dir", str(data)).returncode == 0
            assert "ca-map-voi.txt" not in _found(client, QUERY)
    finally:
        stop_process(proc)
    assert invoke_cli("docs", "check", "--data-dir", str(data)).returncode == 0
