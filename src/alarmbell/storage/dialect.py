"""Every difference between SQLite and PostgreSQL lives here, in one object per backend."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import (
    Boolean,
    Connection,
    Engine,
    Float,
    Text,
    cast,
    create_engine,
    event,
    exists,
    func,
    literal,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB, array
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql.elements import ColumnElement

#: A fixed 64-bit key for PostgreSQL's advisory lock on storing alerts ("alarmal" in ASCII).
ALERT_WRITES_KEY = 0x616C61726D616C


class StoreDialect:
    """PostgreSQL behaviour; SQLiteDialect overrides what differs.

    The bulk methods bypass SQLAlchemy's per-parameter processing (the ingest hot path), so
    they must encode values exactly as the column types would: JSON as text, datetimes as the
    backend stores them.
    """

    name = "postgresql"
    placeholder = "%s"
    #: Parse and validate in a second thread while this one writes (ingest/service.py).
    read_ahead = True
    #: bulk_insert writes with COPY rather than executemany (set by `for_bulk_load`).
    copy_rows = False
    #: At most this many source_ids per select_by_keys (source_records._select).
    lookup_slice = 20_000

    def __init__(self, engine_kwargs: dict[str, Any]) -> None:
        self.engine_kwargs = engine_kwargs

    def on_engine(self, engine: Engine) -> None:
        """Hook run once on a new engine (connection pragmas and the like)."""

    def small_read_cache(self, connection: Connection) -> AbstractContextManager[None]:
        """While inside, the connection's page cache is `READ_CACHE_KIB` (SQLite)."""
        return self.page_cache(connection, READ_CACHE_KIB)

    @contextmanager
    def page_cache(self, connection: Connection, kib: int) -> Iterator[None]:  # noqa: ARG002
        """While inside, the connection's page cache is `kib` KiB (SQLite), then as it was.

        PostgreSQL's cache is the server's shared buffers: nothing to change per connection.
        """
        yield

    def encode_datetime(self, value: datetime) -> Any:
        return value

    def datetime_encoder(self) -> Callable[[datetime], Any] | None:
        """encode_datetime as a plain function for hot loops, or None when it changes nothing."""
        return None

    def for_bulk_load(self) -> StoreDialect:
        """This dialect for a bulk load (a file ingest), whose bulk_insert uses COPY.

        COPY skips the per-row statement and round trip of executemany; it writes the same
        rows into the same tables in the caller's transaction, and like executemany fails the
        whole statement (so the transaction) on any refused row. Requests (the API, the web
        form) are small and bounded, and keep executemany.
        """
        loader = copy.copy(self)
        loader.copy_rows = True
        return loader

    def location(self, url: str) -> str:
        """Where a store is, as a person checking their configuration reads it (no password)."""
        return make_url(url).render_as_string(hide_password=True)

    def file_missing(self, url: str) -> bool:  # noqa: ARG002
        """The store is a file, and there is none: connecting would create an empty one.

        PostgreSQL: a server never creates a database on connecting, so nothing is missing here
        that connecting would hide.
        """
        return False

    def read_only_engine(self, url: str) -> Engine | None:
        """An engine that cannot write (`alarmbell check`), or None when there is no store there.

        PostgreSQL: every transaction is READ ONLY, so the server refuses any write.
        """
        return open_engine(
            url,
            connect_args={"options": "-c default_transaction_read_only=on"},
            **self.engine_kwargs,
        )

    @contextmanager
    def read_snapshot(self, session: Session) -> Iterator[Connection]:
        """A connection of its own that reads one consistent snapshot of what is committed, and
        takes no lock a writer waits for (verifying the whole audit chain reads through it while
        every audited request goes on appending). Never used to write; rolled back at the end.
        """
        with session.get_bind().engine.connect() as connection:
            self.begin_snapshot(connection)
            try:
                yield connection
            finally:
                connection.rollback()

    def begin_snapshot(self, connection: Connection) -> None:
        """PostgreSQL: REPEATABLE READ takes its snapshot at the first query and READ ONLY refuses
        writes; readers never block writers there."""
        connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    def hold_alert_writes(self, connection: Connection) -> None:
        """Wait for, then hold until the transaction ends, the right to store alerts.

        Evaluating a child takes no lock (it would stall every other writer), so two intakes
        that evaluate the same child at once both found its new alert unstored and both stored
        it: the same alarm twice. Storing now reads what is stored only while holding this.
        PostgreSQL: a transaction-scoped advisory lock, released at commit or rollback.
        """
        connection.execute(select(func.pg_advisory_xact_lock(ALERT_WRITES_KEY)))

    def json_list_has_any(self, column: ColumnElement[Any], values: Sequence[str]) -> ColumnElement[bool]:
        """The JSON list in `column` holds at least one of `values` (an alert's rules, say)."""
        return cast(column, JSONB).op("?|", return_type=Boolean)(array(list(values), type_=Text))

    def epoch_seconds(self, column: ColumnElement[Any]) -> ColumnElement[float]:
        """POSIX seconds of a timestamp column, computed by the database: ranking ten thousand
        rows then parses no datetimes in Python (triage queue, benchmarks/triage_queue.py)."""
        return cast(func.extract("epoch", column), Float)

    def encode_json(self, value: Any) -> str:
        return orjson.dumps(value).decode()

    def placeholders(self, count: int) -> str:
        return ", ".join([self.placeholder] * count)

    def bulk_insert(
        self,
        connection: Connection,
        table: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
    ) -> None:
        if not rows:
            return
        if self.copy_rows:
            self._copy(connection, table, columns, rows)
            return
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({self.placeholders(len(columns))})"
        connection.exec_driver_sql(sql, [tuple(row) for row in rows])

    def _copy(
        self, connection: Connection, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
    ) -> None:
        """COPY FROM STDIN in text format on the connection's own psycopg connection, so in the
        caller's transaction; psycopg escapes tabs, backslashes and newlines in each value and
        encodes every type as its executemany would (JSON as text, aware datetimes, booleans)."""
        driver: Any = connection.connection.driver_connection
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with driver.cursor() as cursor, cursor.copy(sql) as stream:
            for row in rows:
                stream.write_row(row)

    def select_by_keys(
        self,
        connection: Connection,
        table: str,
        columns: Sequence[str],
        agency: str,
        source_ids: Sequence[str],
    ) -> list[Any]:
        """Rows of `table` with these source_ids of one agency: the ids as one array parameter,
        so a chunk's look-up is one short statement rather than one IN list of 500 placeholders
        per 500 ids (half a bulk load's time on PostgreSQL went on those)."""
        sql = f"SELECT {', '.join(columns)} FROM {table} WHERE agency = %s AND source_id = ANY(%s::text[])"
        return list(connection.exec_driver_sql(sql, (agency, list(source_ids))))


#: Page cache of a connection that reads a whole population once (rescore, replay), in KiB.
#: Its pages are read once each, so a cache the size of `SQLITE_PRAGMAS`' (64 MB) only holds
#: what will not be read again, and its growth with the store was most of rescore's growth in
#: peak memory (measured: 20,000 children, 235 MB with 64 MB, 172 MB with 4 MB).
READ_CACHE_KIB = 8192

#: Page cache of the connection a file's bulk load writes each chunk through, in KiB. A chunk
#: touches its own rows and the index pages its keys fall on; a larger cache only keeps pages of
#: earlier chunks, and filling it as the store grew added 52 MB to ingest's peak memory at
#: 50,000 children (455 MB store; docs/scale.md, "How memory is bounded").
INGEST_CACHE_KIB = 16384

#: Run on every SQLite connection (after journal_mode=WAL for file databases). The ingest
#: benchmark's raw sqlite3 baseline applies the same list.
SQLITE_PRAGMAS: tuple[str, ...] = (
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
    "PRAGMA cache_size=-65536",
    # Checkpoint every ~40 MB of WAL rather than every 4 MB: bulk ingest writes far more than
    # 4 MB per chunk, and each checkpoint syncs the database file (measured: benchmarks/).
    "PRAGMA wal_autocheckpoint=10000",
)


class SQLiteDialect(StoreDialect):
    name = "sqlite"
    placeholder = "?"
    # sqlite3's executemany takes the GIL back for every row, so a parsing thread only slows the
    # writer down: single-threaded ingest measured 20-40% faster (benchmarks/ingest_throughput.py).
    read_ahead = False
    #: SQLite binds each id as its own variable, and allows only so many per statement.
    lookup_slice = 500

    def on_engine(self, engine: Engine) -> None:
        memory = engine.url.database in (None, "", ":memory:")

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            if not memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            for pragma in SQLITE_PRAGMAS:
                cursor.execute(pragma)
            cursor.close()

    @contextmanager
    def page_cache(self, connection: Connection, kib: int) -> Iterator[None]:
        before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        connection.exec_driver_sql(f"PRAGMA cache_size=-{int(kib)}")
        try:
            yield
        finally:
            connection.exec_driver_sql(f"PRAGMA cache_size={int(before or 0)}")

    def encode_datetime(self, value: datetime) -> Any:
        return _sqlite_datetime(value)

    def hold_alert_writes(self, connection: Connection) -> None:
        """SQLite: the database's own write lock, taken now by a write that changes nothing
        (sqlite3 begins its transaction at the first write, and a DELETE takes the write lock
        before it looks for rows); every other writer waits for the commit."""
        connection.exec_driver_sql("DELETE FROM alert WHERE id < 0")

    @contextmanager
    def read_snapshot(self, session: Session) -> Iterator[Connection]:
        """An in-memory store is one shared connection (StaticPool): nobody else can write to it,
        and a second transaction on it would end the session's own, so it is read as it is."""
        if session.get_bind().engine.url.database in (None, "", ":memory:"):
            yield session.connection()
            return
        with super().read_snapshot(session) as connection:
            yield connection

    def begin_snapshot(self, connection: Connection) -> None:
        """sqlite3 opens no transaction for reads, so each statement would see the latest
        commit; an explicit (deferred) BEGIN makes the first read fix the snapshot. In WAL mode a
        reader takes no lock that a writer waits for."""
        connection.exec_driver_sql("BEGIN")

    def datetime_encoder(self) -> Callable[[datetime], Any] | None:
        return _sqlite_datetime

    def for_bulk_load(self) -> StoreDialect:
        """sqlite3 has no COPY: its executemany is already the fastest way in (measured against
        raw sqlite3 in benchmarks/ingest_throughput.py)."""
        return self

    def location(self, url: str) -> str:
        """The file's path as written in the URL (relative ones from the working directory)."""
        return make_url(url).database or ":memory:"

    def file_missing(self, url: str) -> bool:
        path = make_url(url).database
        return bool(path) and path != ":memory:" and not Path(str(path)).is_file()

    def read_only_engine(self, url: str) -> Engine | None:
        """The file opened with `mode=ro`, so SQLite refuses any write; None when there is no file
        (connecting would create one) or the store is in memory. No pragmas: journal_mode is a write."""
        path = make_url(url).database
        if not path or path == ":memory:" or self.file_missing(url):
            return None
        return open_engine(f"sqlite:///file:{Path(path).resolve()}?mode=ro&uri=true", **self.engine_kwargs)

    def select_by_keys(
        self,
        connection: Connection,
        table: str,
        columns: Sequence[str],
        agency: str,
        source_ids: Sequence[str],
    ) -> list[Any]:
        sql = (
            f"SELECT {', '.join(columns)} FROM {table} WHERE agency = ? "
            f"AND source_id IN ({self.placeholders(len(source_ids))})"
        )
        return list(connection.exec_driver_sql(sql, (agency, *source_ids)))

    def json_list_has_any(self, column: ColumnElement[Any], values: Sequence[str]) -> ColumnElement[bool]:
        items = func.json_each(column).table_valued("value")
        return exists(select(literal(1)).select_from(items).where(items.c.value.in_(list(values))))

    def epoch_seconds(self, column: ColumnElement[Any]) -> ColumnElement[float]:
        # Stored naive in UTC (tables.UTCDateTime); 2440587.5 is the Julian day of 1970-01-01.
        return (func.julianday(column) - 2440587.5) * 86400.0


@lru_cache(maxsize=65536)
def _sqlite_datetime(value: datetime) -> str:
    """The text SQLAlchemy's SQLite DateTime type reads back (naive, here in UTC); cached
    because bulk files repeat the same moments. isoformat, not strftime: C's `%Y` writes the
    year 999 as `999`, which SQLAlchemy cannot read back."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


#: Every engine this package makes: a database error's text leaves out the statement's values,
#: which are names, dates of birth, NHS numbers and free text; that text is what the server, the
#: retry warning and `log.exception` write to the logs (docs/security.md, "Logs").
ENGINE_KWARGS: dict[str, Any] = {"hide_parameters": True}


def open_engine(url: str | URL, **options: Any) -> Engine:
    """The one place an engine is made (the store's, the read-only one, tests' and benchmarks'
    administration engines): `options` as given, and ENGINE_KWARGS over them, so no caller can
    make an engine whose errors carry the statements' values (tests/storage/test_engine_errors.py
    finds any other `create_engine`)."""
    return create_engine(url, **{**options, **ENGINE_KWARGS})


def dialect_for(url: str) -> StoreDialect:
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:")
        kwargs: dict[str, Any] = {**ENGINE_KWARGS, "connect_args": {"check_same_thread": False}}
        if memory:
            # One shared connection, or every new connection would see an empty database.
            kwargs["poolclass"] = StaticPool
        return SQLiteDialect(kwargs)
    if url.startswith("postgresql"):
        return StoreDialect({**ENGINE_KWARGS, "pool_pre_ping": True})
    raise ValueError(f"unsupported database URL {url!r}: use sqlite:/// or postgresql+psycopg://")


def dialect_of(connection: Connection) -> StoreDialect:
    return dialect_of_engine(connection.engine)


def dialect_of_engine(engine: Engine) -> StoreDialect:
    return dialect_for(engine.url.render_as_string(hide_password=True))
