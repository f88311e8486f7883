"""Receipt batches against a plain model of the rules: kept once, counted, final state stands."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.protocol.delivery import FINAL_STATES
from console.store.models import IncomingReceipt, LogQuery, ReceiptRecord
from tests.support.store_backends import Backend
from tests.unit.store.test_store_contract import new_message

# A small space of receipts, so that batches hold redeliveries of earlier batches and of
# their own rows; optional fields vary because they are part of a receipt's identity.
_RECEIPTS = st.builds(
    lambda message_id, state, code, app_id, padding: IncomingReceipt(
        message_id=message_id,
        message_state=state,
        result_code=code,
        received_at=0.0,
        source_address="203.0.113.7",
        raw=f"type=receipt&message_id={message_id}&message_state={state}" + padding,
        app_id=app_id,
    ),
    st.sampled_from(["m-1", "m-2", "orphan"]),
    st.integers(1, 8),
    st.sampled_from([None, 0, 4]),
    st.sampled_from([None, "crm"]),
    st.sampled_from(["", "&x=" + "a" * 2000]),  # large rows are inserted apart
)
# Up to 150 rows: past the size of one insert statement.
_BATCHES = st.lists(st.lists(_RECEIPTS, min_size=1, max_size=150), min_size=1, max_size=4)


def _identity(r: IncomingReceipt | ReceiptRecord) -> tuple[object, ...]:
    return (r.message_id, r.message_state, r.result_code, r.app_id, r.conversation_id)


# Each example starts from an empty database of the test's backend.
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batches=_BATCHES)
def test_batches_keep_each_receipt_once_and_never_regress_a_final_state(
    backend: Backend, batches: list[list[IncomingReceipt]]
) -> None:
    kept: dict[tuple[object, ...], int] = {}  # identity -> redeliveries
    state: dict[str, int | None] = {"m-1": None, "m-2": None}
    orphan: tuple[int, float] | None = None  # the orphan's log row: its state and time
    with backend.fresh() as fresh, fresh.open() as store:
        for message_id in state:
            store.create_message(new_message(message_id))
        for number, batch in enumerate(batches):
            stamped = [
                r._replace(received_at=float(number * 1000 + i)) for i, r in enumerate(batch)
            ]
            expected = []
            for r in stamped:
                identity = _identity(r)
                expected.append(identity not in kept)
                if identity in kept:
                    kept[identity] += 1
                    continue
                kept[identity] = 0
                if r.message_id == "orphan":
                    if orphan is None or orphan[0] not in FINAL_STATES:
                        orphan = (r.message_state, r.received_at)
                    orphan = (orphan[0], r.received_at)
                current = state.get(r.message_id, "absent")
                if current != "absent" and current not in FINAL_STATES:
                    state[r.message_id] = r.message_state
            assert store.record_callbacks(list(stamped)) == expected

        stored = {
            _identity(r): r.redeliveries
            for message_id in ("m-1", "m-2", "orphan")
            for r in store.receipts(message_id)
        }
        assert stored == kept
        for message_id, expected_state in state.items():
            assert store.get_message(message_id).state == expected_state  # type: ignore[union-attr]
        rows = store.log_rows(LogQuery(), ["orphan"])
        assert [(r.state, r.time) for r in rows] == ([] if orphan is None else [orphan])
