"""`Evaluator` answers at any moment exactly what `evaluate` answers: a property over random chronologies.

The review report asks the policy at dozens of moments of one child's history, in no particular
order; `Evaluator` shares the indexing between them (policy/engine.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alarmbell.domain.chronology import Chronology
from alarmbell.policy import Evaluator, evaluate

from .test_batch_equivalence import POLICY, START, chronologies, sparse_chronologies


def _moments(draw: st.DrawFn, chronology: Chronology) -> list[datetime]:
    """Moments to ask at, out of order: the entries' own, and days between and after them."""
    own = [e.recorded_at for e in chronology.policy_entries]
    days = draw(st.lists(st.integers(0, 4 * 365), max_size=12))
    tz = own[0].tzinfo if own else None
    extra = [(START + timedelta(days=d)).replace(tzinfo=tz) for d in days]
    return draw(st.permutations(own + extra))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_evaluator_equals_evaluate_at_every_moment_in_any_order(data: st.DataObject) -> None:
    chronology = data.draw(st.one_of(chronologies(), sparse_chronologies()))
    moments = data.draw(st.composite(lambda draw: _moments(draw, chronology))())
    evaluator = Evaluator(POLICY, chronology)
    for moment in moments:
        assert evaluator(moment) == evaluate(POLICY, chronology, moment), moment
