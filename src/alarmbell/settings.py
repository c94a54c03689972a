"""One settings object, read from the environment (prefix ALARMBELL_) and passed in explicitly.

Nothing in alarmbell reads the environment or connects to a database at import time.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, field_validator
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
        default=20000,
        description="Records written per transaction during bulk ingest (each chunk is committed).",
    )
    ingest_workers: int = Field(
        default=0,
        ge=0,
        description=(
            "Worker processes that parse and validate large JSON Lines files while the main "
            "process writes (0: all in one process)."
        ),
    )

    api_tokens: dict[str, str] = Field(
        default={},
        description=(
            "Bearer tokens for `POST /api/v1/records`, as a JSON object mapping each token to the one "
            'agency it may send for, e.g. `{"long-random-token": "health"}`. A development '
            "convenience only: real deployments create hashed, revocable tokens with "
            "`alarmbell users token create` and leave this empty (the default)."
        ),
    )

    secret_key: SecretStr | None = Field(
        default=None,
        description=(
            "Key that signs CSRF tokens and the OIDC sign-in state. Default: a random key per process "
            "(open forms stop working after a restart). Set it when running more than one process."
        ),
    )
    cookie_secure: bool | None = Field(
        default=None,
        description=(
            "Mark cookies Secure and send HSTS. Default: when the request came over HTTPS. Set `true` "
            "behind a proxy that terminates TLS."
        ),
    )
    session_idle_minutes: int = Field(
        default=30, ge=1, description="Sign a browser out after this long unused."
    )
    session_max_hours: int = Field(
        default=10, ge=1, description="Sign a browser out this long after sign-in."
    )
    login_max_failures: int = Field(
        default=5, ge=1, description="Wrong passwords in a row that lock an account."
    )
    login_lockout_minutes: int = Field(
        default=15, ge=1, description="How long a locked account stays locked."
    )
    login_rate_per_minute: int = Field(
        default=10, ge=1, description="Sign-in attempts allowed per client address per minute (per process)."
    )
    trusted_proxies: str = Field(
        default="",
        description=(
            "Comma-separated addresses or networks of reverse proxies whose `X-Forwarded-For` and "
            "`X-Forwarded-Proto` are believed (e.g. `10.0.0.5,10.1.0.0/16`). Empty (the default): "
            "the headers are ignored and the connection's own address is the client's, for the "
            "sign-in rate limit and the logs."
        ),
    )
    header_timeout_seconds: float = Field(
        default=10.0,
        gt=0,
        description=(
            "A client must send a request's headers within this many seconds of connecting (or of "
            "the previous response), or the connection is closed: slow clients cannot hold "
            "connections open."
        ),
    )
    break_glass_minutes: int = Field(
        default=60, ge=1, description="How long break-glass access to one person lasts."
    )
    oidc_issuer: str | None = Field(
        default=None,
        description=(
            "OpenID Connect issuer URL (its `/.well-known/openid-configuration` is read). Set it, with "
            "the client id and secret, to offer single sign-on; see docs/security.md."
        ),
    )
    oidc_client_id: str | None = Field(default=None, description="OIDC client id registered for alarmbell.")
    oidc_client_secret: SecretStr | None = Field(default=None, description="OIDC client secret.")
    oidc_scopes: str = Field(default="openid email profile", description="Scopes asked of the OIDC provider.")
    oidc_username_claim: str = Field(
        default="email",
        description="ID-token claim matched to an alarmbell username when a user first signs in by OIDC.",
    )
    retention_age_years: int = Field(
        default=25,
        ge=18,
        description=(
            "A person's records are past retention once they are older than this (and quiet, below). "
            'See docs/security.md, "Retention".'
        ),
    )
    retention_quiet_years: int = Field(
        default=6, ge=1, description="...and no agency has recorded an event about them for this many years."
    )

    unique_id_agencies: list[str] = Field(
        default=[],
        description=(
            "Identity: agencies whose person ids are unique (their own system already deduplicates, "
            'one record is one person), as a JSON list, e.g. `["education"]`. Two records of such an '
            "agency are never linked to each other, by rule, by model or through a third record, and "
            "are not offered for review (a refused link is reported with the linking run's conflicts); "
            "other agencies' records still join them. Every command that links honours it, `replay` "
            "included. Default: none, so an agency's duplicate records of one person (a child "
            "registered twice) are linked like any other pair (docs/identity.md)."
        ),
    )

    triage_mash_hours: dict[str, float] = Field(
        default={"red": 4.0, "amber": 24.0, "green": 72.0},
        description=(
            "Triage: hours within which a MASH contact (and a child's alert) rated red, amber or green "
            "must be responded to, as a JSON object. Elapsed hours, bank holidays included: a child at "
            "risk does not wait for a working day. Practice varies by area (docs/triage.md)."
        ),
    )
    triage_alert_working_days: dict[str, float] = Field(
        default={"red": 1.0, "amber": 3.0},
        description=(
            "Triage: working days within which the MASH must decide on a child's red or amber alert, "
            "as a JSON object (England and Wales working days; due at 17:00 on the last one). Local "
            "practice varies: set your partnership's timescales here (docs/triage.md)."
        ),
    )
    triage_alert_harm_days: dict[str, float] = Field(
        default={"red": 365.0, "amber": 30.0, "green": 2.0},
        description=(
            "Triage: harm-equivalent in Crime Harm Index days of a child's alert at each level, so that "
            "alerts and offences share one queue. A policy choice, not an index value: red equals the "
            "violence-with-injury median (docs/triage.md)."
        ),
    )
    triage_escalation_fraction: dict[str, float] = Field(
        default={"team_manager": 1.0, "head_of_service": 1.5},
        description=(
            "Triage: an item still unacknowledged after this fraction of its timescale escalates to "
            "the team manager, then to the head of service (1.0 = when its clock runs out; 1.5 = half "
            "as long again)."
        ),
    )
    triage_escalation_max_hours: dict[str, float] = Field(
        default={"team_manager": 120.0, "head_of_service": 240.0},
        description=(
            "Triage: the latest, in hours after an item opened, that an unacknowledged item escalates "
            "to the team manager and to the head of service, however long its timescale (an assessment "
            "nobody has picked up for five days is a problem whatever its deadline)."
        ),
    )
    triage_escalate_from_harm_days: float = Field(
        default=30.0,
        ge=0,
        description=(
            "Triage: only items of at least this many harm days escalate (30 = an amber alert). "
            "Low-harm items past due are reported on the analytics page, not pushed up the chain, "
            "so that escalations stay few enough to be read (alarm fatigue)."
        ),
    )
    triage_countersign_working_days: int = Field(
        default=1,
        ge=1,
        description=(
            "Triage: working days within which a team manager must countersign a proposed closing "
            "of a red alert (no further action), counted from the proposal (England and Wales working "
            "days; due at 17:00 on the last one). Past it, the closing escalates to the head of "
            "service: a red alert must not wait on a signature with nobody acting. 1 follows Working "
            "Together 2023's one working day for a decision on a referral (docs/triage.md)."
        ),
    )
    triage_taken_on_working_days: int = Field(
        default=1,
        ge=1,
        description=(
            "Triage: working days within which whoever took on an item (an alert, a referral, an "
            "investigation) must decide it, counted from taking it on, and never sooner than the "
            "item's own clock (England and Wales working days; due at 17:00 on the last one). Past "
            "it, the item escalates to the team manager, and as long again later to the head of "
            "service; the holder keeps it. 1 follows Working Together 2023's one working day for a "
            "decision on a referral (docs/triage.md)."
        ),
    )
    triage_escalate_every_minutes: float = Field(
        default=15.0,
        ge=0,
        description=(
            "Triage: `alarmbell serve` escalates overdue work itself, at start and then every this "
            "many minutes (0: off, for a deployment whose scheduler runs `alarmbell triage "
            "escalate`). Several servers on one store escalate each item once."
        ),
    )
    triage_low_harm_days: float = Field(
        default=10.0,
        description=(
            "Triage analytics: items at or below this many harm days are low harm (bigamy, about 10 "
            "days, is); hours on them while high-harm items wait past due are displacement."
        ),
    )
    triage_high_harm_days: float = Field(
        default=365.0,
        description="Triage analytics: items at or above this many harm days are high harm.",
    )

    @field_validator("triage_mash_hours", "triage_alert_harm_days")
    @classmethod
    def _rag_levels(cls, value: dict[str, float]) -> dict[str, float]:
        if set(value) != {"red", "amber", "green"} or any(v <= 0 for v in value.values()):
            raise ValueError('give a positive number for each of "red", "amber" and "green"')
        return value

    @field_validator("triage_alert_working_days")
    @classmethod
    def _alert_levels(cls, value: dict[str, float]) -> dict[str, float]:
        if set(value) != {"red", "amber"} or any(v < 1 or v != int(v) for v in value.values()):
            raise ValueError('give a whole number of working days (1 or more) for "red" and "amber"')
        return value

    @field_validator("triage_escalation_fraction", "triage_escalation_max_hours")
    @classmethod
    def _escalation_steps(cls, value: dict[str, float]) -> dict[str, float]:
        if set(value) != {"team_manager", "head_of_service"} or any(v <= 0 for v in value.values()):
            raise ValueError('give a positive number for each of "team_manager" and "head_of_service"')
        return value

    @field_validator("unique_id_agencies")
    @classmethod
    def _known_agencies(cls, value: list[str]) -> list[str]:
        from alarmbell.domain.vocabulary import AGENCIES

        for agency in value:
            if agency not in AGENCIES:
                raise ValueError(
                    f"ALARMBELL_UNIQUE_ID_AGENCIES: {agency!r} is not an agency ({', '.join(AGENCIES)})"
                )
        return value

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

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_addresses(cls, value: str) -> str:
        import ipaddress

        entries = [entry.strip() for entry in value.split(",") if entry.strip()]
        for entry in entries:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise ValueError(
                    f"ALARMBELL_TRUSTED_PROXIES: {entry!r} is not an IP address or network (e.g. 10.0.0.5)"
                ) from None
        return ",".join(entries)

    @field_validator("database_url")
    @classmethod
    def _supported_backend(cls, value: str) -> str:
        if not (value.startswith("sqlite") or value.startswith("postgresql")):
            # A bare file path is shown as the URL it meant; anything else (it may hold a
            # password) is never echoed.
            looks_like_path = "://" not in value and "@" not in value
            example = f"sqlite:///{value}" if looks_like_path else "sqlite:///alarmbell.db"
            raise ValueError(
                "ALARMBELL_DATABASE_URL must be an sqlite:/// or postgresql+psycopg:// URL "
                f"(for an SQLite file, e.g. {example})"
            )
        return value
