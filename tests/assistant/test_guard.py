"""Writes safe by default: the Host allow-list, same-origin writes, no open writes on a network, the audit log.

The checks themselves are tested in-process; the server's answers through real uvicorn servers on
127.0.0.1, with curl where a client must send a Host header of its own choosing.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time

import httpx
import pytest
from starlette.requests import Request

from assistant.settings import Settings
from ngoaid.guard import allowed_hosts, exposure_problem, foreign_page, host_of, is_loopback
from tests.assistant.test_server import start_server, stop
from tests.helpers import ROOT

FAKE = "Năm 2098 tỉnh Quảng Trị giải ngân 998 USD viện trợ phi chính phủ nước ngoài."


def request(headers: dict[str, str], method: str = "POST") -> Request:
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
    return Request({"type": "http", "method": method, "path": "/documents", "headers": raw, "query_string": b""})


@pytest.mark.parametrize(
    ("headers", "foreign"),
    [
        ({"host": "127.0.0.1:8000", "origin": "http://127.0.0.1:8000"}, False),
        ({"host": "127.0.0.1:8000"}, False),  # curl, a script: no page
        ({"host": "127.0.0.1:8000", "referer": "http://127.0.0.1:8000/?tab=2"}, False),
        ({"host": "example.org", "origin": "https://example.org"}, False),  # behind a TLS proxy
        ({"host": "[::1]:8000", "origin": "http://[::1]:8000"}, False),
        ({"host": "127.0.0.1:8000", "origin": "http://evil.example"}, True),
        ({"host": "127.0.0.1:8000", "origin": "http://127.0.0.1:8001"}, True),  # another port is another site
        ({"host": "127.0.0.1:8000", "origin": "http://localhost:8000"}, True),
        ({"host": "127.0.0.1:8000", "origin": "null"}, True),  # a sandboxed frame, a local file
        ({"host": "127.0.0.1:8000", "referer": "http://evil.example/page.html"}, True),
        ({"host": "127.0.0.1:8000", "origin": "file://"}, True),
        ({"host": "127.0.0.1:8000", "origin": "http://[bad"}, True),
    ],
)
def test_a_page_of_another_site_is_told_apart(headers, foreign):
    assert (foreign_page(request(headers)) is not None) is foreign


def test_host_names_and_loopback():
    assert host_of("127.0.0.1:8000") == "127.0.0.1"
    assert host_of("[::1]:8000") == "::1"
    assert host_of("Example.ORG") == "example.org"
    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2", "app.localhost"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "192.168.1.5", "example.org"))


def test_the_allowed_hosts():
    default = allowed_hosts(Settings())
    assert default is not None and {"localhost", "127.0.0.1", "::1"} <= default
    assert "attacker.example" not in default
    assert "10.0.0.5" in allowed_hosts(Settings(host="10.0.0.5", api_token="t"))
    assert {"ngoaid.tinh.gov.vn", "intranet"} <= allowed_hosts(Settings(allowed_hosts="ngoaid.tinh.gov.vn, Intranet"))
    assert allowed_hosts(Settings(allowed_hosts="*")) is None
    wildcard = allowed_hosts(Settings(host="0.0.0.0", api_token="t"))
    assert socket.gethostname().lower() in wildcard


def test_open_writes_on_a_network_need_a_token_or_the_flag():
    assert exposure_problem(Settings()) is None
    assert exposure_problem(Settings(host="localhost")) is None
    problem = exposure_problem(Settings(host="0.0.0.0"))
    assert problem is not None and "NGOAID_API_TOKEN" in problem and "--open-writes" in problem
    assert exposure_problem(Settings(host="0.0.0.0", api_token="t")) is None
    assert exposure_problem(Settings(host="192.168.1.5", open_writes=True)) is None


# --- through a real server ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("guard-data") / "data"
    proc, base = start_server(data_dir)
    yield base
    stop(proc)


def curl(*args: str) -> tuple[int, str]:
    done = subprocess.run(["curl", "-s", "-o", "-", "-w", "\n%{http_code}", *args], capture_output=True, text=True, timeout=60)
    body, _, code = done.stdout.rpartition("\n")
    return int(code), body


def names(base: str) -> set[str]:
    return {d["name"] for d in httpx.get(f"{base}/documents").json()}


@pytest.mark.slow
def test_a_foreign_host_is_refused_on_every_route(server):
    port = server.rsplit(":", 1)[1]
    for args in (
        [f"{server}/health"],
        [f"{server}/"],
        ["-X", "POST", "-F", "files=@/dev/null;filename=gia-mao.txt", f"{server}/documents"],
        ["-X", "POST", "-H", "Content-Type: application/json", "-d", '{"question": "x"}', f"{server}/ask"],
    ):
        code, body = curl("-H", f"Host: attacker.example:{port}", *args)
        assert code == 421, (args, body)
        assert "NGOAID_ALLOWED_HOSTS" in json.loads(body)["error"]
    assert curl("-H", f"Host: localhost:{port}", f"{server}/health")[0] == 200
    assert "gia-mao.txt" not in names(server)


@pytest.mark.slow
def test_a_write_from_another_sites_page_is_refused_and_recorded(server):
    files = [("files", ("gia-mao.txt", FAKE.encode(), "text/plain"))]
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "null"}, {"Referer": "http://evil.example/a.html"}):
        response = httpx.post(f"{server}/documents", files=files, headers=headers, timeout=60)
        assert response.status_code == 403, response.text
        assert "another site" in response.json()["error"]
        refused = [e for e in httpx.get(f"{server}/documents/history").json() if e["request"] == response.headers["x-request-id"]]
        assert [(e["action"], e["result"].split(" (")[0]) for e in refused] == [("add", "refused: a page of another site")]
    assert "gia-mao.txt" not in names(server)
    # a question from another site's page is refused too: no request that does work comes from one
    asked = httpx.post(f"{server}/ask", json={"question": "Quảng Trị?"}, headers={"Origin": "http://evil.example"})
    assert asked.status_code == 403


@pytest.mark.slow
def test_writes_from_the_servers_own_pages_and_from_scripts_go_through(server):
    own = httpx.post(
        f"{server}/documents",
        files=[("files", ("lai-chau.txt", "Năm 2020, tỉnh Lai Châu có 4 dự án PCPNN.".encode(), "text/plain"))],
        headers={"Origin": server, "Referer": f"{server}/"},
        timeout=120,
    )
    assert own.status_code == 200, own.text
    doc_id = own.json()["results"][0]["doc_id"]
    removed = httpx.delete(f"{server}/documents/{doc_id}", headers={"Origin": "http://evil.example"})
    assert removed.status_code == 403 and "lai-chau.txt" in names(server)
    assert httpx.delete(f"{server}/documents/{doc_id}").status_code == 200  # no page: curl, a script
    assert "lai-chau.txt" not in names(server)


@pytest.mark.slow
def test_serving_on_a_network_address_without_a_token_is_refused(tmp_path):
    env = {k: v for k, v in __import__("os").environ.items() if k != "NGOAID_API_TOKEN"}
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "ngoaid.cli", "serve", "--host", "0.0.0.0", "--port", "1", "--data-dir", str(tmp_path / "d")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert time.monotonic() - started < 30
    assert "refusing to serve on 0.0.0.0" in done.stderr and "NGOAID_API_TOKEN" in done.stderr
    assert not (tmp_path / "d").exists(), "nothing is opened or created before the refusal"


@pytest.mark.slow
def test_open_writes_serve_on_a_network_address_and_say_so(tmp_path):
    proc, base = start_server(tmp_path / "data", {"NGOAID_HOST": "0.0.0.0", "NGOAID_OPEN_WRITES": "1"})
    try:
        assert httpx.get(f"{base}/health").status_code == 200
    finally:
        log = stop(proc)
    assert "WARNING: serving on 0.0.0.0 with open writes" in log
