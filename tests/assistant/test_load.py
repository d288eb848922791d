"""A bounded load test through a real server: concurrent questions while documents are uploaded.

The full size (1,000 requests from 16 clients) is the benchmark ``python -m eval.bench_load``; the
suite runs the same code at a reduced size.
"""

from __future__ import annotations

import pytest

from eval.bench_load import render, run_load
from tests.helpers import SAMPLES, invoke_cli

pytestmark = pytest.mark.slow

GROWTH_BOUND_MB = 300  # the model and index are loaded before the run; caches and uploads add less


def test_questions_under_load_while_uploading(tmp_path):
    data_dir = tmp_path / "data"
    assert invoke_cli("ingest", str(SAMPLES), "--data-dir", str(data_dir)).returncode == 0
    questions = [
        "Quảng Trị giải ngân bao nhiêu năm 2023?",
        "hoa binh giai ngan bao nhieu nam 2020",
        "How much did Quang Tri disburse in 2023?",
        "Có bao nhiêu tổ chức PCPNN hoạt động tại Quảng Trị?",
        "Thủ đô của Pháp là gì?",  # answered by an abstention, which is a valid answer too
    ]
    report = run_load(data_dir, questions, requests=64, clients=8, upload_passages=32, upload_batch=4)
    print(render(report))
    assert report.requests == 64 and report.failed == 0, report.failures
    assert report.upload_failed == [] and report.uploaded_files > 1
    assert report.documents_after == report.documents_before + report.uploaded_files
    assert report.rss_mb["growth"] <= GROWTH_BOUND_MB
