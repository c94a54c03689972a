"""`alarmbell link` and `alarmbell identity ...`: linking, review queue, merges, model training.

Thin: parse, call, print.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from alarmbell.cli.alerts import link_and_refresh_shown, show_work
from alarmbell.cli.progress import stderr
from alarmbell.cli.support import (
    audit_list,
    audit_view,
    choice_option,
    fail,
    failing_on,
    store,
    store_session,
    who,
)
from alarmbell.domain.wording import plural

if TYPE_CHECKING:
    from alarmbell.identity import ReviewItem

identity_app = typer.Typer(
    help="Identity: probabilistic linking, the review queue, merges and the linkage model.",
    no_args_is_help=True,
)
review_app = typer.Typer(
    help="Pairs of records in the uncertain band, for a person to decide.", no_args_is_help=True
)
identity_app.add_typer(review_app, name="review")

By = Annotated[
    str, typer.Option("--by", help="Who is deciding (recorded in the audit). Default: your login name.")
]
Reason = Annotated[str, typer.Option("--reason", help="Why (recorded in the audit; required).")]
EngineOption = Annotated[
    str, typer.Option("--engine", help="duckdb (one machine) or spark (a local or cluster Spark session).")
]


def _backend(engine: str) -> tuple[Literal["duckdb", "spark"], object]:
    """The linkage backend `--engine` names, with a Spark session when it is spark."""
    if choice_option(engine, ("duckdb", "spark"), name="--engine", what="an engine") == "duckdb":
        return "duckdb", None
    from alarmbell.identity import local_spark_session

    return "spark", local_spark_session()


@identity_app.command("link")
def identity_link(engine: EngineOption = "duckdb") -> None:
    """Link unlinked person records: decisions, deterministic rules, then the model (no alerts refreshed)."""
    from alarmbell.identity import link_people
    from alarmbell.settings import Settings

    backend, spark = _backend(engine)
    settings = Settings()
    with store_session(settings, create=False) as session:
        summary = link_people(
            session, engine=backend, spark=spark, unique_id_agencies=settings.unique_id_agencies
        )
    typer.echo(
        f"{summary.newly_linked} records linked ({summary.probabilistic_links} by model "
        f"{summary.model_version}); {summary.people_created} new people, {summary.people_merged} merged; "
        f"{summary.review_queued} pairs queued for review"
    )
    if unqueued := summary.unqueued_sentence():
        typer.echo(unqueued)
    for line in summary.conflicts + summary.invalid_identifiers:
        stderr.print(f"identity: {line}")


def _line(item: ReviewItem) -> str:
    r, a, b = item.review, item.left, item.right
    return (
        f"#{r.id:<5} p={r.probability:.3f}  {a.agency}:{a.source_id} {a.given_name} {a.family_name} {a.dob}"
        f"  <->  {b.agency}:{b.source_id} {b.given_name} {b.family_name} {b.dob}  [{r.status}] {r.note or ''}"
    )


@review_app.command("list")
def review_list(
    status: Annotated[
        str,
        typer.Option(
            help="pending, accepted, rejected, closed, unqueued (refused by the cluster guard when the "
            "queue was at its budget), or all."
        ),
    ] = "pending",
    limit: Annotated[int, typer.Option(min=1, help="At most this many items.")] = 50,
) -> None:
    """List review items, most probable first."""
    from alarmbell.identity import list_items

    choices = ("pending", "accepted", "rejected", "closed", "unqueued", "all")
    status = choice_option(status, choices, name="--status", what="a review status")
    with store_session(create=False) as session:
        items = list_items(session, status=None if status == "all" else status, limit=limit)
        lines = [_line(item) for item in items]
        shown = sorted({p for i in items for p in (i.left_person, i.right_person) if p is not None})
        audit_list(
            session, "identity.review_list", {"command": "identity review list", "status": status}, shown
        )
    if not lines:
        typer.echo("no review items" if status == "all" else f"no {status} review items")
    for line in lines:
        typer.echo(line)


@review_app.command("show")
def review_show(item_id: Annotated[int, typer.Argument(help="Review item number.")]) -> None:
    """Show one pair side by side with each field's contribution to the match weight."""
    from alarmbell.identity import ReviewError, get_item

    with store_session(create=False) as session:
        with failing_on(ReviewError):
            item = get_item(session, item_id)
        # Both records' names and dates of birth: a view of each person, as the web's item page.
        for person in sorted({p for p in (item.left_person, item.right_person) if p is not None}):
            audit_view(
                session,
                "identity.review",
                person,
                {"review_item": item_id, "command": "identity review show"},
            )
        typer.echo(_line(item))
        for part in item.review.contributions:
            bar = ("+" if part["weight"] >= 0 else "-") * min(40, round(abs(part["weight"])))
            typer.echo(f"  {part['field']:<28} {part['level']:<28} {part['weight']:>7.2f}  {bar}")


@review_app.command("accept")
def review_accept(
    item_id: Annotated[int, typer.Argument(help="Review item number.")], reason: Reason, by: By = ""
) -> None:
    """The two records are one person: merge them (reversible with `identity unmerge`)."""
    from alarmbell.identity import ReviewError, accept

    with store_session(create=False) as session, failing_on(ReviewError):
        person = accept(session, item_id, by=who(by), reason=reason)
    typer.echo(f"accepted #{item_id}: both records are now person {person}")


@review_app.command("reject")
def review_reject(
    item_id: Annotated[int, typer.Argument(help="Review item number.")], reason: Reason, by: By = ""
) -> None:
    """The two records are different people: they will never be linked."""
    from alarmbell.identity import ReviewError, reject

    with store_session(create=False) as session, failing_on(ReviewError):
        reject(session, item_id, by=who(by), reason=reason)
    typer.echo(f"rejected #{item_id}: the two records stay apart for good")


@identity_app.command("merge")
def merge(
    source: Annotated[int, typer.Argument(help="Person id to merge away.")],
    target: Annotated[int, typer.Argument(help="Person id that keeps the records.")],
    reason: Reason,
    by: By = "",
) -> None:
    """Merge one person into another by hand (audited; reversible with `identity unmerge`)."""
    from alarmbell.identity import ReviewError
    from alarmbell.identity import merge as merge_people

    with store_session(create=False) as session, failing_on(ReviewError):
        merge_people(session, source, target, by=who(by), reason=reason)
    typer.echo(f"person {source} merged into person {target}")


@identity_app.command("unmerge")
def unmerge(
    person: Annotated[int, typer.Argument(help="The person id that was merged away.")],
    reason: Reason,
    by: By = "",
) -> None:
    """Undo a merge: the records go back to their old person id, and the pair is rejected for good."""
    from alarmbell.identity import ReviewError, UnmergeError
    from alarmbell.identity import unmerge as unmerge_person

    with store_session(create=False) as session, failing_on(ReviewError, UnmergeError):
        left = unmerge_person(session, person, by=who(by), reason=reason)
    typer.echo(f"person {person} restored (its records left person {left})")


@identity_app.command("history")
def history(person: Annotated[int, typer.Argument(help="Person id.")]) -> None:
    """Every link a person has had, ended ones included: how, when, by whom, and why it ended."""
    from alarmbell.identity import link_history

    with store_session(create=False) as session:
        rows = link_history(session, person)
    if not rows:
        fail(f"person {person} has never had a linked record")
    for row in rows:
        typer.echo(row)


@identity_app.command("train")
def train(
    reason: Annotated[str, typer.Option(help="Why the model is being retrained (audited).")] = (
        "re-estimate on this deployment's records"
    ),
    by: By = "",
    synthetic: Annotated[
        Path | None, typer.Option(help="Build a model from a synthetic folder with truth.jsonl instead.")
    ] = None,
    tune: Annotated[
        Path | None, typer.Option(help="With --synthetic: a second folder to choose bands on.")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="With --synthetic: write the model JSON here.")] = None,
    engine: EngineOption = "duckdb",
) -> None:
    """Re-estimate the linkage model on this store's records and make it the active model version."""
    if synthetic is not None:
        _train_synthetic(synthetic, tune, out)
        return
    from alarmbell.identity.retrain import TrainingError, retrain

    backend, spark = _backend(engine)
    with store_session(create=False) as session, failing_on(TrainingError):
        model = retrain(session, by=who(by), reason=reason, engine=backend, spark=spark)
    typer.echo(f"trained model {model.version} on {model.trained_on}; it links from now on")


def _train_synthetic(synthetic: Path, tune: Path | None, out: Path | None) -> None:
    from alarmbell.identity import build_model, read_synthetic

    if tune is None or out is None:
        fail("--synthetic needs --tune (a second synthetic folder) and --out (where to write the JSON)")
    model = build_model(
        read_synthetic(synthetic),
        read_synthetic(tune),
        version=f"{out.stem}-{date.today():%Y.%m.%d}",
        source=f"synthetic {synthetic.name}",
    )
    model.save(out)
    typer.echo(
        f"wrote {out}: bands {model.bands.lower} / {model.bands.upper}; {model.measured.get('tune_pairwise')}"
    )


def link() -> None:
    """Link all unlinked person records into people and refresh every alert."""
    from alarmbell.settings import Settings

    settings = Settings()
    with store(settings, create=False) as engine:
        done = link_and_refresh_shown(engine, settings, everyone=True)
    typer.echo(f"{done.linked.newly_linked} records linked; {done.linked.people_created} new people")
    if unqueued := done.linked.unqueued_sentence():
        typer.echo(unqueued)
    show_work(done.raised.routed)
    typer.echo(f"{done.raised.created} new {plural('alert', done.raised.created)}")
