"""Named points where the fault-injection tests kill this process, as a power cut or `kill -9` would.

Set SEI_CRASH_AT to a point's name and the process dies there with SIGKILL, leaving whatever it
had half-written; nothing else reads the variable. The tests then run normally and check that the
previous publication is intact and the next run completes (tests/pipelines/test_faults.py).
"""

from __future__ import annotations

import os
import signal

POINTS = ("landing", "building", "between_replaces", "charts")


def reach(point: str) -> None:
    """Die here when SEI_CRASH_AT names this point."""
    if os.environ.get("SEI_CRASH_AT") == point:
        os.kill(os.getpid(), getattr(signal, "SIGKILL", signal.SIGTERM))
