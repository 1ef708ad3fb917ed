"""A warm process the `sei-stats` commands fork from, so a rerun does not spend its first seconds importing.

A command's own work on the demo city can take a few seconds; importing Dagster, pandas, DuckDB, pandera,
matplotlib and SciPy and opening Dagster's storage take 8–9 s more on our 2-core machine, every time. `sei-stats
serve` does those imports once and waits on a Unix socket. Each `sei-stats …` then connects and sends its
arguments, working folder and environment, with its stdin, stdout and stderr as file descriptors. The server forks
a child that runs the command exactly as its own process would (cli.main), writing to the caller's terminal or
pipes. The caller passes on Ctrl-C and SIGTERM to the child's process group and exits with its code. This is the
preloader pattern of Rails' Spring and of Emacs' server.

A run is still a process of its own: the child's pid is in the run record, killing it is killing the run, and the
server holds no data, connection or cache between commands (it only imported modules). When no server is
running, or SEI_STATS_IN_PROCESS is set, or the code changed since the server started, the command runs in its own
process as before. A server older than the code tells the caller so and stops.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import os
import signal
import socket
import struct
import sys
import sysconfig
import tempfile
import threading
import time
from pathlib import Path

import sei_stats

# What the commands import, so a child starts with it loaded: the jobs and assets, Dagster's SQLite storage
# (the instance), and what the briefing, charts, quality reports and the disclosure audit load when they run.
PRELOAD = (
    "sei_stats.pipelines.cli", "sei_stats.pipelines.run", "sei_stats.pipelines.definitions",
    "sei_stats.pipelines.recovery", "sei_stats.pipelines.runlog",
    "dagster._core.storage.sqlite_storage", "dagster._core.storage.runs.sqlite",
    "dagster._core.storage.event_log.sqlite", "dagster._core.storage.schedules.sqlite",
    "dagster._core.storage.local_compute_log_manager", "dagster._core.execution.execute_in_process",
    "sei_stats.briefing.build", "sei_stats.briefing.docx_writer", "sei_stats.briefing.xlsx_writer",
    "sei_stats.briefing.html_writer", "sei_stats.charts", "sei_stats.document_charts",
    "sei_stats.quality_report", "sei_stats.quality_report.chart", "sei_stats.disclosure",
    "matplotlib.pyplot", "scipy.optimize", "scipy.sparse", "docx", "openpyxl", "pyarrow.dataset",
)
IN_PROCESS = "SEI_STATS_IN_PROCESS"
# fork and descriptors passed over a Unix socket: Linux and macOS, not Windows (every command runs in its own process)
SUPPORTED = hasattr(os, "fork") and hasattr(socket, "send_fds") and hasattr(os, "getuid")
# The commands that never go through the server: the server itself, and the UI (a long-lived process of its own).
OWN_PROCESS = {"serve", "dev"}
# Replies of the server: stale (the caller runs the command itself), the child's pid, its exit code, the signal
# that killed it, stopped, its status.
STALE, PID, EXIT, KILLED, STOPPED, STATUS = b"S", b"P", b"X", b"D", b"K", b"I"


def socket_path() -> Path:
    """One server per user and environment (the venv and this checkout): it serves any data folder."""
    where = f"{sys.prefix}|{Path(sei_stats.__file__).resolve().parent}"
    return Path(tempfile.gettempdir()) / f"sei-stats-{os.getuid()}" / f"{hashlib.sha1(where.encode()).hexdigest()[:12]}.sock"


def code_stamp() -> str:
    """The code the server imported: every file of the two packages (path, size, mtime) and the environment's
    site-packages folder (a package installed or removed changes it). A change means the server is stale."""
    from . import cli

    digest = hashlib.sha256()
    for root in sorted({Path(sei_stats.__file__).resolve().parent, Path(cli.__file__).resolve().parent}):
        for path in sorted(root.rglob("*")):
            if "__pycache__" in path.parts or not path.is_file():
                continue
            stat = path.stat()
            digest.update(f"{path}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    site = Path(sysconfig.get_paths()["purelib"])
    digest.update(str(site.stat().st_mtime_ns if site.exists() else 0).encode())
    return digest.hexdigest()


# --- the caller ----------------------------------------------------------------------------------------------

def run_in_server(argv: list[str]) -> int | None:
    """Run ``argv`` in a child of the server and return its exit code; None when no usable server is running (the
    caller then runs it itself)."""
    if os.environ.get(IN_PROCESS) or _command(argv) in OWN_PROCESS:
        return None
    conn = _connect()
    if conn is None:
        return None
    try:
        _send(conn, {"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ),
                     "encoding": sys.stdout.encoding or "utf-8"}, fds=_std_fds())
        reply = _read_exact(conn, 1)
    except OSError:
        conn.close()
        return None  # the server went away before it answered: run here
    if reply == STALE:
        conn.close()
        print("sei-stats: the server (`sei-stats serve`) was started before the code changed and has stopped; "
              "this command runs in its own process. Start the server again to keep reruns fast.",
              file=sys.stderr, flush=True)
        return None
    if reply != PID:
        conn.close()
        return None
    child = struct.unpack("!i", _read_exact(conn, 4))[0]

    def relay(signum, frame):
        try:  # to the command's process, which stops what it started; a closing terminal reaches them all
            os.killpg(child, signum) if signum == signal.SIGHUP else os.kill(child, signum)
        except ProcessLookupError:
            pass
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        signal.signal(getattr(signal, name), relay)
    try:
        tag, value = _read_exact(conn, 1), struct.unpack("!i", _read_exact(conn, 4))[0]
    except OSError:  # the child ended without its code, and no server is left to say how: taken as killed
        tag, value = KILLED, signal.SIGKILL
    finally:
        conn.close()
    if tag == EXIT:
        return value
    print(f"sei-stats: the command's process ({child}) was killed (signal {value}). Run the same command again: "
          "a run that died is recovered by the next.", file=sys.stderr, flush=True)
    return 128 + value  # as a shell reports a process a signal ended


def _command(argv: list[str]) -> str | None:
    """The command of a command line: its first word that is no option (the global options may come first)."""
    words = iter(argv)
    for word in words:
        if word == "--data-dir":
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def _ours(path: Path) -> bool:
    """The socket and its folder exist and are this user's, the folder closed to others: the caller's environment
    and terminal go to no one else's server."""
    try:
        folder, sock = path.parent.stat(), path.stat()
    except OSError:
        return False
    return _private(folder) and sock.st_uid == os.getuid()


def _private(folder: os.stat_result) -> bool:
    """The socket folder is this user's and closed to everyone else (group and others have no access)."""
    return folder.st_uid == os.getuid() and not folder.st_mode & 0o077


def _std_fds() -> list[int]:
    """The caller's stdin, stdout and stderr; /dev/null for any it has not got open (cron gives no stdin)."""
    fds = []
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
            fds.append(fd)
        except OSError:
            fds.append(os.open(os.devnull, os.O_RDWR))
    return fds


def _send(conn: socket.socket, message: dict, fds: list[int] = ()) -> None:
    body = json.dumps(message).encode()
    socket.send_fds(conn, [struct.pack("!I", len(body))], list(fds))
    conn.sendall(body)


def _receive(conn: socket.socket) -> tuple[dict, list[int]]:
    head, fds, _, _ = socket.recv_fds(conn, 4, 3)
    if len(head) < 4:
        head += _read_exact(conn, 4 - len(head))
    return json.loads(_read_exact(conn, struct.unpack("!I", head)[0])), fds


def _read_exact(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        part = conn.recv(size - len(data))
        if not part:
            raise ConnectionError("the other end closed the connection")
        data += part
    return data


# --- the server ----------------------------------------------------------------------------------------------

def serve(out=print) -> int:
    """Import PRELOAD, then serve commands until SIGTERM, Ctrl-C or `sei-stats serve --stop`."""
    if not SUPPORTED:
        out("sei-stats serve needs fork and Unix sockets (Linux, macOS): here every command runs in its own process")
        return 1
    path = socket_path()
    if status() is not None:
        out(f"a server is already running on {path}")
        return 1
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    folder = path.parent.stat()
    if not _private(folder):
        out(f"{path.parent} is not this user's alone (owner {folder.st_uid}, mode {folder.st_mode & 0o777:o}): "
            "not serving from it")
        return 1
    started = time.perf_counter()
    for name in PRELOAD:
        importlib.import_module(name)
    stamp = code_stamp()
    path.unlink(missing_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(16)
    listener.settimeout(1.0)  # to reap the children that ended
    out(f"sei-stats server {os.getpid()} on {path}: {len(sys.modules)} modules imported in "
        f"{time.perf_counter() - started:.1f} s; `sei-stats …` commands now fork from it. Ctrl-C or "
        "`sei-stats serve --stop` stops it.")
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.set())
    callers: dict[int, socket.socket] = {}  # child pid -> its caller's connection, to say if a signal ends it
    try:
        while not stopping.is_set():
            _reap(callers)
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                if not _same_user(conn):
                    continue
                conn.settimeout(10.0)
                try:
                    request, fds = _receive(conn)
                except (OSError, ValueError):
                    continue
                if request.get("stop"):
                    conn.sendall(STOPPED)
                    break
                if request.get("status"):
                    conn.sendall(STATUS + json.dumps({"pid": os.getpid()}).encode())
                    continue
                if code_stamp() != stamp:
                    conn.sendall(STALE)
                    for fd in fds:
                        os.close(fd)
                    out("the code changed since this server started: stopped (start it again)")
                    break
                # blocking before the fork and the dup: the mode belongs to the descriptor both processes share
                conn.settimeout(None)
                caller = conn.dup()
                child = os.fork()
                if child == 0:
                    for other in (listener, caller, *callers.values()):
                        other.close()
                    _child(conn, request, fds)  # never returns
                for fd in fds:
                    os.close(fd)
                callers[child] = caller
                out(f"{child}: sei-stats {' '.join(request['argv'])}")
    except KeyboardInterrupt:
        pass
    finally:
        listener.close()
        path.unlink(missing_ok=True)
    out("sei-stats server stopped")
    return 0


def _same_user(conn: socket.socket) -> bool:
    """The caller is this user (Linux says; elsewhere the socket's folder, mode 0700, lets no other in)."""
    if not hasattr(socket, "SO_PEERCRED"):
        return True
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1] == os.getuid()


def _reap(callers: dict[int, socket.socket]) -> None:
    """Wait for the children that ended; the caller of one a signal killed is told which (it sent no exit code)."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        conn = callers.pop(pid, None)
        if conn is None:
            continue
        with conn:
            if os.WIFSIGNALED(status):
                try:
                    conn.sendall(KILLED + struct.pack("!i", os.WTERMSIG(status)))
                except OSError:
                    pass


def _child(conn: socket.socket, request: dict, fds: list[int]) -> None:
    """The forked child: the caller's files, folder and environment, then the command; its exit code to the caller."""
    code = 1
    try:
        os.setpgid(0, 0)  # the caller's Ctrl-C goes to this command and the processes it starts, not the server
        for signum, handler in ((signal.SIGINT, signal.default_int_handler), (signal.SIGTERM, signal.SIG_DFL),
                                (signal.SIGCHLD, signal.SIG_DFL)):
            signal.signal(signum, handler)
        import fcntl  # POSIX only, as fork is

        # above 2 first: a received descriptor may itself be 0–2 when the server was started without them
        moved = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in fds]
        for fd in fds:
            os.close(fd)
        for target, fd in enumerate(moved):
            os.dup2(fd, target)
            os.close(fd)
        encoding = request.get("encoding") or "utf-8"
        sys.stdin = sys.__stdin__ = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding=encoding)
        sys.stdout = sys.__stdout__ = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding=encoding,
                                                       line_buffering=os.isatty(1))
        sys.stderr = sys.__stderr__ = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding=encoding,
                                                       errors="backslashreplace", line_buffering=True)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = ["sei-stats", *request["argv"]]
        conn.sendall(PID + struct.pack("!i", os.getpid()))
        done = threading.Event()
        threading.Thread(target=_stop_when_caller_goes, args=(conn, done), daemon=True).start()
        code = _run(request["argv"])
        done.set()
    except BaseException:  # the command's own errors are handled in _run: this is the child failing to start
        import traceback

        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        try:
            conn.sendall(EXIT + struct.pack("!i", code))
        except OSError:
            pass
        os._exit(code)


def _run(argv: list[str]) -> int:
    """cli.main as the process's own entry point would run it, exit codes and tracebacks alike, then the exit
    handlers a process runs."""
    import atexit
    import traceback

    from .cli import main

    try:
        code = main(argv)
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 0 if exit_.code is None else 1
        if exit_.code is not None and not isinstance(exit_.code, int):
            print(exit_.code, file=sys.stderr)
    except BaseException:
        traceback.print_exc()
        code = 1
    atexit._run_exitfuncs()
    return int(code or 0)


def _stop_when_caller_goes(conn: socket.socket, done: threading.Event) -> None:
    """The caller killed (its terminal closed, kill -9): the run stops as on SIGTERM, cleaning up as it does."""
    try:
        while conn.recv(1):
            pass
    except OSError:
        pass
    if not done.is_set():
        os.kill(os.getpid(), signal.SIGTERM)


# --- asking the server ----------------------------------------------------------------------------------------

def _connect(timeout: float | None = None) -> socket.socket | None:
    """A connection to this user's running server; None when there is none (or no socket answers)."""
    path = socket_path() if SUPPORTED else None
    if path is None or not _ours(path):
        return None
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        conn.settimeout(timeout)
        conn.connect(str(path))
    except OSError:
        conn.close()
        return None  # a server that died and left its socket
    return conn


def _ask(request: dict) -> bytes | None:
    conn = _connect(timeout=10.0)
    if conn is None:
        return None
    try:
        _send(conn, request)
        return conn.recv(4096)
    except OSError:
        return None
    finally:
        conn.close()


def status() -> dict | None:
    """The running server's pid, or None."""
    reply = _ask({"status": True})
    return json.loads(reply[1:]) if reply and reply[:1] == STATUS else None


def stop() -> bool:
    """Stop the running server; whether one was running."""
    return _ask({"stop": True}) == STOPPED
