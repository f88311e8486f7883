"""Fixtures for the simulator's tests: a fast simulator, a callback receiver, a client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any

import httpx
import pytest

from console.simulator import (
    Account,
    CallbackSettings,
    FaultSettings,
    FinalOutcome,
    SimulatorServer,
    SimulatorSettings,
)

from .callback_receiver import CallbackReceiver

StartSimulator = Callable[..., Awaitable[SimulatorServer]]

VALID_MT = {
    "login": "demo",
    "password": "demo",
    "phone_number": "12025550100",
    "sender": "12345",
    "message": "Hello from the tests",
    "message_id": "m-1",
}


def fast_settings(
    *,
    callback_url: str | None = None,
    faults: FaultSettings | None = None,
    rate: float = 1000.0,
    **callback_options: Any,
) -> SimulatorSettings:
    """Quick callbacks, no randomness unless a test asks for it, a roomy rate."""
    callbacks = CallbackSettings(
        url=callback_url,
        dr_delay=0.01,
        p_duplicate_dr=0.0,
        p_reorder=0.0,
        p_reply=0.0,
        final_weights={FinalOutcome.DELIVERED: 1.0},
        retry_interval=0.02,
        retry_count=3,
        timeout=2.0,
    )
    return SimulatorSettings(
        accounts=(
            Account("demo", "demo", ("12345", "ACME"), rate_per_second=rate),
            Account("other", "secret", ("54321",), rate_per_second=rate),
        ),
        faults=faults or FaultSettings(),
        callbacks=replace(callbacks, **callback_options),
        seed=1,
    )


@pytest.fixture
async def start_simulator() -> AsyncIterator[StartSimulator]:
    started: list[SimulatorServer] = []

    async def start(settings: SimulatorSettings | None = None, **kwargs: Any) -> SimulatorServer:
        server = SimulatorServer(settings or fast_settings(), **kwargs)
        await server.start()
        started.append(server)
        return server

    yield start
    for server in started:
        await server.stop()


@pytest.fixture
async def receiver() -> AsyncIterator[CallbackReceiver]:
    callback_receiver = CallbackReceiver()
    await callback_receiver.start()
    yield callback_receiver
    await callback_receiver.stop()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(trust_env=False, timeout=5.0) as client:
        yield client


async def post_mt(
    client: httpx.AsyncClient, server: SimulatorServer, **overrides: str | None
) -> str:
    """POST an MT (``None`` removes a parameter) and return the answer's body."""
    params = {**VALID_MT, **overrides}
    data = {key: value for key, value in params.items() if value is not None}
    response = await client.post(server.endpoint_url, data=data)
    assert response.status_code == 200
    return response.text
