"""A local stand-in for the provider's SMS API: MT endpoint, receipts, replies, faults.

Use :class:`SimulatorServer` inside a running event loop, :class:`ThreadedSimulator`
from code without one (the GUI's demo mode), or ``sms-console simulator`` from a shell.
"""

from console.simulator.config import (
    Account,
    CallbackSettings,
    Carrier,
    FaultSettings,
    FinalOutcome,
    SimulatorSettings,
)
from console.simulator.config_file import ConfigFileError, load_settings_file
from console.simulator.server import SimulatorServer, ThreadedSimulator

__all__ = [
    "Account",
    "CallbackSettings",
    "Carrier",
    "ConfigFileError",
    "FaultSettings",
    "FinalOutcome",
    "SimulatorServer",
    "SimulatorSettings",
    "ThreadedSimulator",
    "load_settings_file",
]
