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

    # Load the extraction models in the background at start-up, so the first paste is fast.
    warm_extractor: bool = True
    # Facets, timeline, map and counts are kept per process until the data changes (see
    # app/movements/cache.py), within about this much memory per process.
    aggregate_cache: bool = True
    aggregate_cache_mb: int = Field(default=64, ge=1)
    # Also share them between the app's processes through the database (kept_aggregate).
    aggregate_cache_shared: bool = True

    max_article_chars: int = 500_000
    max_title_chars: int = 300
    max_url_chars: int = 2_000
    max_outlet_chars: int = 200
    page_size: int = 50
    max_page_size: int = 500

    # The map draws bundled country outlines and needs no internet; online users may add a
    # tile layer, e.g. "https://tile.openstreetmap.org/{z}/{x}/{y}.png".
    map_tile_url: str | None = None
    map_tile_attribution: str = ""

    session_days: float = 14.0
    # Set behind HTTPS; cookies are also marked Secure whenever the request came over https.
    cookie_secure: bool = False
    login_max_failures: int = 5
    login_max_failures_per_address: int = 30
    login_window_seconds: int = 900

    db_pool_size: int = 5
    db_max_overflow: int = 10
    db_pool_timeout: float = 10.0
    db_statement_timeout_ms: int = 30_000
    # Planner settings for each connection. Facets group the matches by eight dimensions at
    # once: with more memory per grouping they are all hashed in one pass, not sorted. The page
    # cost suits an SSD or a database that fits in memory (PostgreSQL's default assumes
    # spinning disks): joins then look up places by their key instead of hashing the gazetteer.
    db_work_mem: str = Field(default="16MB", pattern=r"^\d+(kB|MB|GB)$")
    db_random_page_cost: float = Field(default=1.1, gt=0)
    # Where pg_dump / pg_restore live when those on PATH are older than the server.
    pg_bin_dir: Path | None = None

    # Ingestion: uploads, URL fetches, feeds and the job queue.
    max_upload_file_bytes: int = 20_000_000
    max_upload_request_bytes: int = 200_000_000
    max_upload_files: int = 500
    max_zip_entries: int = 1_000
    max_zip_total_bytes: int = 200_000_000
    max_zip_ratio: int = 100
    fetch_timeout_seconds: float = 15.0
    fetch_max_bytes: int = 10_000_000
    fetch_max_redirects: int = 5
    # Off by default: a URL that resolves to a private, loopback or link-local address is refused.
    allow_private_urls: bool = False
    near_duplicate_threshold: float = 0.6
    job_max_attempts: int = 3
    job_retry_wait_seconds: int = 5
    worker_concurrency: int = 2
    worker_heartbeat_seconds: float = 10.0
    # A job whose worker has sent no heartbeat for this long is handed to another worker.
    worker_stalled_seconds: float = 60.0
    # `troopwatch serve` turns this on so that `make run` needs no separate worker.
    inprocess_worker: bool = False

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
