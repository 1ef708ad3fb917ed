"""Whether a process still runs: how a run tells a dead run's leftovers from a live run's work."""

from __future__ import annotations

import os
from pathlib import Path


def pid_alive(pid: int) -> bool:
    """True while process ``pid`` exists on this machine."""
    if pid <= 0:
        return False
    if os.name == "nt":  # os.kill(pid, 0) would send CTRL_C on Windows
        import ctypes

        kernel32 = ctypes.windll.kernel32
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, owned by another user
        return True
    return True


def partial_of(path: Path) -> Path:
    """Where ``path`` is written before it is moved into place: .<name>.<pid>.partial beside it, so a run that
    died leaves a file the next one can tell and sweep (sei_stats.publish.sweep_stale_files)."""
    return path.with_name(f".{path.name}.{os.getpid()}.partial")


def replace_with_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all: a reader sees the old file or the new one, never half."""
    partial = partial_of(path)
    try:
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def remove_with_wal(path: Path) -> None:
    """A DuckDB file and its write-ahead log, where they exist."""
    path.unlink(missing_ok=True)
    Path(f"{path}.wal").unlink(missing_ok=True)
