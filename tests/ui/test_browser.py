"""The chat UI in headless Chromium (Debian's), driven by Playwright: ask, read, check the source."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import httpx
import pytest

from tests.assistant.test_server import start_server, stop
from tests.helpers import ROOT, invoke_cli

pytestmark = [pytest.mark.slow, pytest.mark.browser]
CHROMIUM = Path(shutil.which("chromium") or "/usr/bin/chromium")
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def app_url(tmp_path_factory, corpus_dir):
    data_dir = tmp_path_factory.mktemp("ui-data")
    assert invoke_cli("ingest", str(corpus_dir), "--data-dir", str(data_dir)).returncode == 0
    proc, base = start_server(data_dir)
    yield base
    stop(proc)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not CHROMIUM.exists():
        message = "Chromium is not installed (Debian packages chromium, chromium-driver)"
        if os.environ.get("NGOAID_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),  # a fresh user data dir
            executable_path=str(CHROMIUM),
            headless=True,
            args=FLAGS,
            locale="vi-VN",
        )
        yield context
        context.close()


@pytest.fixture
def page(browser, app_url):
    page = browser.new_page()
    page.outside_requests = []  # type: ignore[attr-defined]

    def watch(request) -> None:
        if not request.url.startswith((app_url, "data:", "blob:")):
            page.outside_requests.append(request.url)  # type: ignore[attr-defined]

    page.on("request", watch)
    page.goto(f"{app_url}/")
    yield page
    assert page.outside_requests == [], f"the page fetched from outside: {page.outside_requests}"  # type: ignore[attr-defined]
    page.close()


def test_ask_a_question_and_see_the_cited_sentence(page):
    from playwright.sync_api import expect

    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#ngoaid-question textarea").fill("Quảng Trị giải ngân bao nhiêu năm 2023?")
    page.locator("#ngoaid-send").click()
    chat = page.locator("#ngoaid-chat")
    expect(chat).to_contain_text("17.216.450,40 USD", timeout=90_000)
    expect(chat).to_contain_text("Nguồn")
    expect(chat).to_contain_text("002_193b1d33f1a3b910.txt")
    sources = page.locator("#ngoaid-sources label")
    expect(sources.first).to_contain_text("[1] 002_193b1d33f1a3b910.txt")
    sources.first.click()
    view = page.locator("#ngoaid-source-view")
    expect(view.locator("mark")).to_contain_text("17.216.450,40 USD")
    expect(view).to_contain_text("002_193b1d33f1a3b910.txt")
    page.screenshot(path=str(ARTIFACTS / "ui-answer.png"), full_page=True)


def test_question_without_diacritics_from_the_examples(page):
    from playwright.sync_api import expect

    page.locator("#ngoaid-question textarea").fill("quang tri giai ngan bao nhieu nam 2023")
    page.locator("#ngoaid-question textarea").press("Enter")
    expect(page.locator("#ngoaid-chat")).to_contain_text("17.216.450,40 USD", timeout=90_000)
    examples = page.get_by_text("Câu hỏi mẫu")
    expect(examples).to_be_visible()


def test_documents_tab_uploads_and_lists(page, app_url, tmp_path):
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Tài liệu").click()
    table = page.locator("#ngoaid-documents")
    expect(table).to_contain_text("002_193b1d33f1a3b910.txt", timeout=30_000)
    report = tmp_path / "bao-cao-cao-bang.txt"
    report.write_text("Năm 2021, tỉnh Cao Bằng tiếp nhận 7 dự án viện trợ phi chính phủ nước ngoài.", encoding="utf-8")
    page.locator("input[type=file]").first.set_input_files(str(report))
    page.get_by_role("button", name="Thêm vào kho tài liệu").click()
    expect(page.get_by_text(re.compile("bao-cao-cao-bang.txt.*đã thêm"))).to_be_visible(timeout=90_000)
    expect(table).to_contain_text("bao-cao-cao-bang.txt")
    # the page's own upload went through the same-origin check, and is in the audit log
    history = httpx.get(f"{app_url}/documents/history").json()
    entry = [e for e in history if e["name"] == "bao-cao-cao-bang.txt"][-1]
    assert (entry["action"], entry["result"], entry["via"], entry["who"]) == ("add", "added", "chat page", "127.0.0.1")


# A page of another site (another port of the same machine) posting a report with an invented figure
# to the server, as any page the user opens could: a multipart form sent by fetch in no-cors mode is a
# "simple" request, which browsers send without asking the server first.
ATTACK = """<!doctype html><meta charset="utf-8"><title>waiting</title><script>
const form = new FormData();
form.append("files", new Blob([%(text)s], {type: "text/plain"}), "gia-mao.txt");
fetch("%(app)s/documents", {method: "POST", body: form, mode: "no-cors"})
  .then(() => { document.title = "sent"; }, () => { document.title = "failed"; });
</script>"""


def test_a_page_of_another_site_cannot_upload(browser, app_url, tmp_path):
    import functools
    import json
    import threading
    import time
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    fake = "Năm 2098 tỉnh Quảng Trị giải ngân 998 USD viện trợ phi chính phủ nước ngoài."
    (tmp_path / "attack.html").write_text(ATTACK % {"text": json.dumps(fake), "app": app_url}, encoding="utf-8")
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    site = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{site.server_address[1]}"
    page = browser.new_page()
    try:
        page.goto(f"{origin}/attack.html")
        page.wait_for_function("document.title !== 'waiting'", timeout=30_000)
        refused: list[dict] = []
        for _ in range(50):  # the request reached the server, which said no
            refused = [e for e in httpx.get(f"{app_url}/documents/history").json() if origin in e["result"]]
            if refused:
                break
            time.sleep(0.2)
        assert [(e["action"], e["result"].split(" (")[0]) for e in refused] == [("add", "refused: a page of another site")]
        assert "gia-mao.txt" not in {d["name"] for d in httpx.get(f"{app_url}/documents").json()}
        answer = httpx.post(f"{app_url}/ask", json={"question": "Quảng Trị giải ngân bao nhiêu năm 2098?"}, timeout=60).json()
        assert "998" not in answer["answer"]
    finally:
        page.close()
        site.shutdown()


def test_drafting_tab(page):
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Soạn thảo").click()
    page.get_by_label("Tỉnh, thành phố (không bắt buộc)").fill("Quảng Trị")
    page.get_by_label("Dịp").click()
    page.get_by_role("option", name="Gặp mặt các tổ chức PCPNN").click()
    page.get_by_role("button", name="Soạn bài phát biểu").click()
    draft = page.locator("#ngoaid-draft")
    expect(draft).to_contain_text("Kết quả nổi bật", timeout=90_000)
    expect(draft).to_contain_text("Kính thưa Quý vị đại diện các tổ chức phi chính phủ nước ngoài")  # the occasion chosen
    expect(draft).to_contain_text(re.compile(r"trên địa bàn tỉnh Quảng Trị .*17\.216\.450,40 USD \[\d+\]"))
    expect(page.locator("a[href*=\"du-thao-bai-phat-bieu.docx\"]")).to_be_visible()


def test_figures_tab(page, tmp_path):
    import csv
    import io

    import openpyxl
    from playwright.sync_api import expect

    page.get_by_role("tab", name="Số liệu").click()
    page.locator("#ngoaid-facts-place textarea").fill("Quảng Trị, cả nước")
    page.locator("#ngoaid-facts-show").click()
    table = page.locator("#ngoaid-facts")
    expect(table).to_contain_text("17.216.450,40 USD", timeout=60_000)
    expect(table).to_contain_text("hơn 262 triệu USD")
    expect(page.locator("#ngoaid-facts-summary")).to_contain_text("số liệu")
    # the chart: disbursement by year, the province (2023) and the whole country (2019, 2020) as series
    expect(page.locator('#ngoaid-facts-chart g[id="series-Quảng Trị"] use')).to_have_count(1)
    expect(page.locator('#ngoaid-facts-chart g[id="series-Việt Nam"] use')).to_have_count(2)
    # a row opens its source, the sentence highlighted
    table.get_by_text("hơn 262 triệu USD").first.click()
    expect(page.locator("#ngoaid-facts-source mark")).to_contain_text("262 triệu USD")
    # the downloads hold the filtered rows: every one about the province or the whole country
    page.locator("#ngoaid-facts-csv").click()
    link = page.locator('#ngoaid-facts-file a[href*="so-lieu.csv"]')
    expect(link).to_be_visible(timeout=30_000)
    with page.expect_download() as info:
        link.click()
    with open(info.value.path(), encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["place"] for r in rows} == {"Quảng Trị", "Việt Nam"}
    assert {"hơn 262 triệu USD", "17.216.450,40 USD"} <= {r["figure_as_written"] for r in rows}
    page.locator("#ngoaid-facts-xlsx").click()
    link = page.locator('#ngoaid-facts-file a[href*="so-lieu.xlsx"]')
    expect(link).to_be_visible(timeout=30_000)
    with page.expect_download() as info:
        link.click()
    sheet = openpyxl.load_workbook(io.BytesIO(info.value.path().read_bytes()))["Số liệu"]
    assert sheet.max_row == len(rows) + 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "figures-tab.png"), full_page=True)
