"""The chat UI's file routes serve only what the app itself produced: no file of the machine, the
project or the index can be read through them, whatever path or encoding is asked for."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from tests.assistant.test_server import start_server, stop
from tests.helpers import ROOT, SAMPLES, invoke_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("file-access-data")
    assert invoke_cli("ingest", str(SAMPLES / "quang-tri-vien-tro-pcpnn.txt"), "--data-dir", str(data_dir)).returncode == 0
    proc, base = start_server(data_dir)
    yield base, data_dir
    stop(proc)


def targets(data_dir) -> list[tuple[str, bytes]]:
    """Files that must stay private, each with bytes that would show it was served."""
    index_files = [p for p in data_dir.rglob("*") if p.is_file() and p.stat().st_size >= 16]
    assert index_files, "the index wrote no files"
    paths = [Path("/etc/passwd"), ROOT / "pyproject.toml", ROOT / "assistant" / "settings.py", *index_files]
    return [(str(p), p.read_bytes()[:16]) for p in paths if p.is_file()]


LIVE_ROUTES = ["/gradio_api/file={}", "/gradio_api/file={}?download=1"]  # the file routes of this Gradio
LEGACY_ROUTES = ["/file={}"]  # of older Gradio versions: must not have come back


@pytest.mark.parametrize("route", LIVE_ROUTES + LEGACY_ROUTES)
def test_no_file_outside_what_the_app_serves_can_be_read(served, route):
    base, data_dir = served
    tried, answered = 0, 0
    for path, marker in targets(data_dir):
        for spelled in (path, quote(path, safe=""), "../../../../../../.." + path, path.replace("/", "//")):
            response = httpx.get(base + route.format(spelled), timeout=30)
            tried += 1
            answered += spelled == path and response.status_code != 404
            assert not (response.status_code == 200 and marker in response.content), (
                f"{route.format(spelled)} served the file: {response.content[:80]!r}"
            )
    assert tried >= 4 * 4
    if route in LIVE_ROUTES:
        # each path as written reached the route, which refused it: probes of a route that is gone
        # (404) would prove nothing (some encoded spellings do not reach it, and need not)
        assert answered == tried // 4, f"{route} answered 404: the file route has moved"


def test_the_probed_file_route_is_the_apps_own_and_refuses(served):
    """A positive control: the app publishes the API prefix the probes use, and its file route
    answers a request for a private file with a refusal, not with "no such route"."""
    base, _ = served
    assert httpx.get(base + "/config", timeout=30).json()["api_prefix"] == "/gradio_api"
    refused = httpx.get(base + "/gradio_api/file=/etc/passwd", timeout=30)
    assert refused.status_code == 403 and "not allowed" in refused.text.lower()
