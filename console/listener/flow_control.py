"""Reading paused and resumed: uvicorn's flow control, with the listener's own hold on it."""

from __future__ import annotations

from uvicorn.protocols.http.flow_control import FlowControl


class GuardedFlow(FlowControl):
    """uvicorn's flow control, except that reading stays off while input is held back."""

    holding = False

    def resume_reading(self) -> None:  # uvicorn's, with the one condition more
        if self.read_paused and not self.holding:
            self.read_paused = False
            self._transport.resume_reading()
