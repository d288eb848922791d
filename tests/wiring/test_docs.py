"""The README matches the code: its command lines parse, every command is shown, its API table lists
exactly the routes the server has. (The settings table is checked in tests/assistant/test_settings.py.)"""

from __future__ import annotations

import argparse
import re
import shlex
from pathlib import Path

from ngoaid.cli import build_parser

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _command_lines() -> list[list[str]]:
    """Every ``ngoaid ...`` line of the README's code blocks, as arguments after ``ngoaid``."""
    lines = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", README, re.S):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            while words and re.fullmatch(r"[A-Z_]+=\S*", words[0]):  # NGOAID_X=... ngoaid ...
                words.pop(0)
            if words and words[0] == "ngoaid":
                lines.append(words[1:])
    return lines


def _commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    found = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.add((*prefix, name))
                found |= _commands(sub, (*prefix, name))
    return found


def test_every_command_line_in_the_readme_parses():
    lines = _command_lines()
    assert len(lines) >= 10, "the README shows too few command lines: the extraction is broken"
    parser = build_parser()
    for argv in lines:
        try:
            parser.parse_args(argv)
        except SystemExit:
            raise AssertionError(f"the README's `ngoaid {' '.join(argv)}` does not parse") from None


def test_every_command_is_shown_in_the_readme():
    shown = {tuple(argv[:2]) for argv in _command_lines()} | {tuple(argv[:1]) for argv in _command_lines()}
    missing = sorted(" ".join(c) for c in _commands(build_parser()) if c not in shown and len(c) <= 2)
    # `docs check` is described in prose: `ngoaid docs check`
    missing = [c for c in missing if f"`ngoaid {c}" not in README]
    assert not missing, f"commands the README never shows: {missing}"


def test_the_api_table_lists_exactly_the_routes(tmp_path):
    from assistant.settings import Settings
    from ngoaid.server import create_app

    section = README.split("### HTTP API", 1)[1].split("\n#", 1)[0]
    documented = {
        (method, re.sub(r"\{\w+\}", "{}", path))
        for method, path in re.findall(r"^\| (GET|POST|PUT|PATCH|DELETE) \| `([^`]+)` \|", section, re.M)
    }
    schema = create_app(Settings(data_dir=tmp_path)).openapi()  # not started: nothing is loaded
    served = {
        (method.upper(), re.sub(r"\{\w+\}", "{}", path)) for path, methods in schema["paths"].items() for method in methods
    }
    assert len(served) >= 5 and documented == served
