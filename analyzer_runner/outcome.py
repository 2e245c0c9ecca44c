"""How a sandboxed run ended: exit status or signal, timeout, duration, and why in words."""

from __future__ import annotations

import signal
from dataclasses import dataclass
from pathlib import Path

from analyzer_runner.workspace import read_tail
from thoth_analysis_request.limits import Limits


@dataclass(frozen=True, slots=True)
class Outcome:
    """How a sandboxed run ended."""

    exit_status: int | None
    signal: int | None
    timed_out: bool
    duration_seconds: float
    limits: Limits
    output_log: Path

    @property
    def ok(self) -> bool:
        return self.exit_status == 0 and not self.timed_out

    @property
    def reason(self) -> str:
        """Why the program ended, in words (which limit, which signal, which status)."""
        if self.timed_out:
            return f"killed after the wall-clock limit of {self.limits.wall_seconds:g} s"
        if self.signal is not None:
            name = _signal_name(self.signal)
            if self.signal == signal.SIGXCPU:
                return f"killed by {name}: CPU time limit of {self.limits.cpu_seconds} s"
            if self.signal == signal.SIGXFSZ:
                return f"killed by {name}: file size limit of {self.limits.file_size_bytes} bytes"
            if self.signal == signal.SIGKILL:
                return f"killed by {name} (CPU time or memory limit)"
            return f"killed by {name}"
        return f"exit status {self.exit_status}"

    def tail(self, max_chars: int = 4000) -> str:
        """The end of what the program wrote to stdout and stderr."""
        return read_tail(self.output_log, max_chars)


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
