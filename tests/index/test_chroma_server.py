"""Vectors in a separate Chroma server (``chroma run``) instead of the embedded store."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from index.store import IndexStore
from index.vectors import ChromaUnavailable, collection_name
from tests.helpers import SAMPLES, free_port, ingest_folder, invoke_cli


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    executable = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    if not Path(executable).exists():
        pytest.skip("the chroma command is not installed")
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [executable, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    import chromadb
    from chromadb.config import Settings

    deadline = time.monotonic() + 60
    while True:
        try:
            client = chromadb.HttpClient(host="127.0.0.1", port=port, settings=Settings(anonymized_telemetry=False))
            client.heartbeat()
            break
        except Exception:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("chroma run did not start")
            time.sleep(0.3)
    yield url, client
    proc.terminate()
    proc.wait(timeout=30)


@pytest.mark.server
def test_ingest_and_search_through_a_chroma_server(tmp_path, embedder, chroma_server):
    url, client = chroma_server
    store = IndexStore(tmp_path / "data", embedder, chroma_url=url)
    ingest_folder(store, SAMPLES)
    passages = store.catalog.passage_ids()
    server_side = client.get_collection(collection_name(embedder.model_id))
    assert server_side.count() == len(passages)
    assert set(server_side.get(include=[])["ids"]) == passages
    assert not (tmp_path / "data" / "chroma").exists()  # nothing went to the embedded store
    hits = store.search("Quảng Trị giải ngân bao nhiêu năm 2023?", top_k=3).hits
    assert "17.216.450,40" in hits[0].passage.text
    store.remove_documents([d.doc_id for d in store.documents()])
    assert server_side.count() == 0


@pytest.mark.server
def test_cli_uses_the_server_from_the_environment(tmp_path, chroma_server):
    url, _ = chroma_server
    env = {"NGOAID_CHROMA_URL": url}
    done = invoke_cli("ingest", str(SAMPLES / "quang-tri-vien-tro-pcpnn.txt"), "--json", "--data-dir", str(tmp_path), env=env)
    assert done.returncode == 0, done.stderr
    found = invoke_cli("search", "--json", "--data-dir", str(tmp_path), "quang tri giai ngan 2023", env=env)
    assert "17.216.450,40" in json.loads(found.stdout)["results"][0]["text"]


def test_unreachable_server_gives_a_clear_error(tmp_path, embedder):
    with pytest.raises(ChromaUnavailable, match="cannot reach the Chroma server"):
        IndexStore(tmp_path / "data", embedder, chroma_url=f"http://127.0.0.1:{free_port()}")
    done = invoke_cli("search", "x", "--chroma-url", f"http://127.0.0.1:{free_port()}", "--data-dir", str(tmp_path))
    assert done.returncode == 1
    assert "cannot reach the Chroma server" in done.stderr and "Traceback" not in done.stderr
