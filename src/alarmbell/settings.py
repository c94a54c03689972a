"""One settings object, read from the environment (prefix ALARMBELL_) and passed in explicitly.

Nothing in alarmbell reads the environment or connects to a database at import time.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting alarmbell reads. Each is documented in docs/settings.md (a test checks)."""

    model_config = SettingsConfigDict(env_prefix="ALARMBELL_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///alarmbell.db",
        description=(
            "SQLAlchemy URL of the case store. Default: an SQLite file `alarmbell.db` in the "
            "working directory. For PostgreSQL use `postgresql+psycopg://user:pass@host/db`."
        ),
    )
    policy_dir: Path | None = Field(
        default=None,
        description="Folder of early-warning policy YAML files. Default: the policy shipped with alarmbell.",
    )
    host: str = Field(default="127.0.0.1", description="Address `alarmbell serve` listens on.")
    port: int = Field(default=8000, description="Port `alarmbell serve` listens on.")
    ingest_chunk_size: int = Field(
        default=5000,
        description="Records written per transaction during bulk ingest (each chunk is committed).",
    )

    api_tokens: dict[str, str] = Field(
        default={},
        description=(
            "Bearer tokens for `POST /api/v1/records`, as a JSON object mapping each token to the one "
            'agency it may send for, e.g. `{"long-random-token": "health"}`. Empty (the default) turns '
            "the records API off. A stopgap until the security work brings real API credentials."
        ),
    )

    @field_validator("api_tokens")
    @classmethod
    def _token_agencies(cls, value: dict[str, str]) -> dict[str, str]:
        from alarmbell.domain.vocabulary import AGENCIES

        for token, agency in value.items():
            if agency not in AGENCIES:
                raise ValueError(f"ALARMBELL_API_TOKENS: {agency!r} is not an agency ({', '.join(AGENCIES)})")
            if len(token) < 16:
                raise ValueError("ALARMBELL_API_TOKENS: every token must be at least 16 characters")
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_backend(cls, value: str) -> str:
        if not (value.startswith("sqlite") or value.startswith("postgresql")):
            raise ValueError("ALARMBELL_DATABASE_URL must be an sqlite:/// or postgresql+psycopg:// URL")
        return value
