"""Planning receipts and replies: sequences, timing, duplicates, reordering."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

from console.simulator import CallbackSettings, FinalOutcome
from console.simulator.callback_plan import CallbackPlanner, PlannedCallback
from console.simulator.mt_handler import AcceptedMessage

MESSAGE = AcceptedMessage(
    login="demo",
    message_id="m-1",
    phone_number="12025550100",
    sender="12345",
    carrier_id=1,
    receipt=True,
    priority="BULK",
    message="hello",
    attachment_count=0,
    app_id=None,
    conversation_id=None,
)


def planner(seed: int = 1, **options: Any) -> CallbackPlanner:
    settings = CallbackSettings(
        dr_delay=1.0,
        p_duplicate_dr=0.0,
        p_reorder=0.0,
        p_reply=0.0,
        final_weights={FinalOutcome.DELIVERED: 1.0},
    )
    return CallbackPlanner(replace(settings, **options), random.Random(seed))


def states(plan: list[PlannedCallback]) -> list[str]:
    return [callback.fields["message_state"] for callback in plan if callback.kind == "receipt"]


def test_steps_are_spaced_by_half_to_one_and_a_half_dr_delays() -> None:
    for seed in range(50):
        plan = planner(seed).plan(MESSAGE)
        assert states(plan) == ["6", "1", "2"]
        previous = 0.0
        for callback in plan:
            assert 0.5 <= callback.delay - previous <= 1.5
            previous = callback.delay


def test_final_outcomes_follow_the_weights() -> None:
    weights = {FinalOutcome.DELIVERED: 3.0, FinalOutcome.UNDELIVERABLE: 1.0}
    plans = planner(final_weights=weights)
    finals = [states(plans.plan(MESSAGE))[-1] for _ in range(2000)]
    share_delivered = finals.count("2") / len(finals)
    assert set(finals) == {"2", "5"}
    assert 0.70 < share_delivered < 0.80


def test_zero_weight_outcomes_never_happen() -> None:
    weights = {FinalOutcome.DELIVERED: 0.0, FinalOutcome.EXPIRED: 1.0}
    plans = planner(final_weights=weights)
    assert {states(plans.plan(MESSAGE))[-1] for _ in range(200)} == {"3"}


def test_reorder_sends_a_later_state_first() -> None:
    plan = planner(p_reorder=1.0).plan(MESSAGE)
    assert sorted(states(plan)) == ["1", "2", "6"]
    assert states(plan) != ["6", "1", "2"]
    assert [callback.delay for callback in plan] == sorted(callback.delay for callback in plan)


def test_duplicate_repeats_one_receipt_exactly() -> None:
    plan = planner(p_duplicate_dr=1.0).plan(MESSAGE)
    fields = [tuple(sorted(callback.fields.items())) for callback in plan]
    assert len(fields) == 4
    assert len(set(fields)) == 3


def test_no_receipts_without_receipt_but_replies_still_come() -> None:
    message = replace(MESSAGE, receipt=False)
    plan = planner(p_reply=1.0).plan(message)
    assert [callback.kind for callback in plan] == ["MO"]


def test_reply_only_after_a_delivered_message() -> None:
    plan = planner(p_reply=1.0, final_weights={FinalOutcome.UNDELIVERABLE: 1.0}).plan(MESSAGE)
    assert [callback.kind for callback in plan] == ["receipt", "receipt", "receipt"]


def test_reply_comes_after_the_final_receipt() -> None:
    plan = planner(p_reply=1.0).plan(MESSAGE)
    assert plan[-1].kind == "MO"
    assert plan[-1].delay > plan[-2].delay


def test_same_seed_same_plans() -> None:
    def plans(seed: int) -> list[list[PlannedCallback]]:
        plans = planner(seed, p_duplicate_dr=0.5, p_reorder=0.5, p_reply=0.5)
        return [plans.plan(MESSAGE) for _ in range(20)]

    assert plans(7) == plans(7)
    assert plans(7) != plans(8)
