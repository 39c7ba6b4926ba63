"""One settings object for the whole application, read from the environment."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_PLACEHOLDER_SECRETS = {"", "changeme", "change-me", "secret", "dev-only-insecure-secret"}


class Settings(BaseSettings):
    """Runtime configuration. Every field can be set as ``TROOPWATCH_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="TROOPWATCH_", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    # With no URL, an embedded PostgreSQL is started with its data under ``data_dir``.
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("DATABASE_URL", "TROOPWATCH_DATABASE_URL")
    )
    data_dir: Path = Path("var")
    # Refused in production by the validator below; fine for a laptop.
    secret_key: str = "dev-only-insecure-secret"  # noqa: S105

    max_article_chars: int = 500_000
    max_title_chars: int = 300
    max_url_chars: int = 2_000
    max_outlet_chars: int = 200
    page_size: int = 50
    max_page_size: int = 500

    db_pool_size: int = 5
    db_max_overflow: int = 10
    db_pool_timeout: float = 10.0
    db_statement_timeout_ms: int = 30_000
    # Where pg_dump / pg_restore live when those on PATH are older than the server.
    pg_bin_dir: Path | None = None

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.environment == "production" and self.secret_key in _PLACEHOLDER_SECRETS:
            raise ValueError(
                "TROOPWATCH_SECRET_KEY must be set to a real secret "
                "when TROOPWATCH_ENVIRONMENT=production"
            )
        return self

    @property
    def max_request_bytes(self) -> int:
        """Upper bound on a request body: UTF-8 uses at most 4 bytes per character."""
        return self.max_article_chars * 4 + 64_000


@lru_cache
def get_settings() -> Settings:
    return Settings()
