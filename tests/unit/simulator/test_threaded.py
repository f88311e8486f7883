"""The simulator on its own thread, as the GUI's demo mode runs it."""

from __future__ import annotations

import threading

import httpx
import pytest

from console.net import bind_socket
from console.simulator import SimulatorSettings, ThreadedSimulator


def test_start_in_thread_serves_until_stopped() -> None:
    simulator = ThreadedSimulator()
    base_url = simulator.start_in_thread()
    try:
        assert base_url.startswith("http://127.0.0.1:")
        assert simulator.endpoint_url == base_url + "/httpapi/receiver"
        assert any(thread.name == "sms-simulator" for thread in threading.enumerate())
        with httpx.Client(trust_env=False, timeout=5.0) as client:
            answer = client.post(
                simulator.endpoint_url,
                data={
                    "login": "demo",
                    "password": "demo",
                    "phone_number": "447700900000",
                    "sender": "12345",
                    "message": "demo mode",
                    "message_id": "t-1",
                },
            )
            journal = client.get(base_url + "/simulator/journal").json()
        assert answer.text == "result_code=0"
        assert journal["mt_requests"][0]["params"]["password"] == "***"
        assert simulator.journal()["accepted_by_account"] == {"demo": 1}
    finally:
        simulator.stop()
    assert not any(thread.name == "sms-simulator" for thread in threading.enumerate())
    with httpx.Client(trust_env=False) as client, pytest.raises(httpx.ConnectError):
        client.get(base_url + "/simulator/journal")
    simulator.stop()  # a second stop does nothing


def test_context_manager() -> None:
    with ThreadedSimulator() as simulator, httpx.Client(trust_env=False) as client:
        assert client.get(simulator.base_url + "/simulator/journal").status_code == 200


def test_port_in_use_fails_to_start() -> None:
    with bind_socket("127.0.0.1", 0) as taken:
        port = taken.getsockname()[1]
        simulator = ThreadedSimulator(SimulatorSettings(port=port))
        with pytest.raises(RuntimeError, match="could not start"):
            simulator.start_in_thread()
    assert not any(thread.name == "sms-simulator" for thread in threading.enumerate())
