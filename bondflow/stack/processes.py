"""Child processes that never outlive `bondflow up`.

Each child runs in its own session, so its own process group: Ctrl-C at the
terminal reaches only the supervisor, which then stops the children in its own
order, and a stop signal sent to the group reaches whatever the child started
itself. Three layers make sure nothing is left behind:

1. a clean stop: SIGTERM to the group, a wait, SIGKILL to the group after a timeout
   (and SIGKILL to the group once its leader has gone, for stragglers);
2. on Linux, each child asks the kernel for SIGTERM when the supervisor dies
   (``PR_SET_PDEATHSIG``, set by a tiny launcher before it execs the real command,
   so even ``kill -9`` of the supervisor stops the children);
3. pid files (``run/<name>.pid``: the pid, then the command line): the next start
   finds children of a supervisor that vanished anyway and stops them, checking
   the command line first so that a reused pid is never killed.

Each child writes stdout and stderr to ``logs/<name>.log`` (appended, one header
per start); a death is reported with the tail of what this start wrote.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# Runs as `python -c LAUNCHER <supervisor pid> <command...>`: ask for SIGTERM when
# the parent dies, give up if it already has, then become the command (same pid).
LAUNCHER = """\
import ctypes, os, signal, sys
try:
    ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG
except (OSError, AttributeError):
    pass
if os.getppid() != int(sys.argv[1]):
    sys.exit(70)
os.execvp(sys.argv[2], sys.argv[2:])
"""

TAIL_LINES = 25


def _parent_death_signal_supported() -> bool:
    return sys.platform.startswith("linux")


def command_line_of(pid: int) -> list[str] | None:
    """The running process's argv (Linux /proc), or None where it cannot be read."""
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return raw.decode(errors="replace").rstrip("\0").split("\0") if raw else None


def _zombie(pid: int) -> bool:
    """Exited but not yet reaped (Linux /proc; elsewhere: assume not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


def pid_alive(pid: int) -> bool:
    """Whether the process runs (a zombie, exited and waiting to be reaped, does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but someone else's
        return True
    return not _zombie(pid)


def _group_members_linux(pgid: int) -> list[int] | None:
    """Running (not zombie) members of a process group, from /proc; None without it."""
    proc = Path("/proc")
    if not (proc / "self" / "stat").exists():
        return None
    members = []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        fields = stat.rpartition(")")[2].split()  # state, ppid, pgrp, ...
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def group_alive(pgid: int) -> bool:
    """Whether any process of the group still runs (zombies do not count on Linux)."""
    members = _group_members_linux(pgid)
    if members is not None:
        return bool(members)
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


@dataclass(frozen=True)
class PidFile:
    """``<pid>\\n<argv joined by NUL>\\n``: the pid, and how to recognise it later."""

    path: Path

    def write(self, pid: int, command: Sequence[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.tmp")
        temporary.write_text(f"{pid}\n{chr(0).join(command)}\n", encoding="utf-8")
        os.replace(temporary, self.path)

    def read(self) -> tuple[int, list[str]] | None:
        try:
            first, _, rest = self.path.read_text(encoding="utf-8").partition("\n")
            return int(first), rest.rstrip("\n").split("\0")
        except (OSError, ValueError):
            return None

    def running_pid(self) -> int | None:
        """The recorded pid if that process still runs the recorded command.

        Where the command line cannot be read (not Linux), a live pid is trusted."""
        recorded = self.read()
        if recorded is None:
            return None
        pid, command = recorded
        if not pid_alive(pid):
            return None
        actual = command_line_of(pid)
        if actual is not None and actual != command:
            return None  # the pid was reused by an unrelated process
        return pid

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


@dataclass
class Child:
    """One started child: its process, log, and pid file."""

    name: str
    command: list[str]
    log_path: Path
    pid_file: PidFile
    process: subprocess.Popen[bytes]
    log_offset: int  # where this start's output begins in the log
    started_at: float = field(default_factory=time.monotonic)
    killed: bool = False  # it did not stop when asked and was killed

    @property
    def pid(self) -> int:
        return self.process.pid

    def exit_code(self) -> int | None:
        return self.process.poll()

    def tail(self, lines: int = TAIL_LINES) -> str:
        """The last lines this start wrote to its log."""
        try:
            with self.log_path.open("rb") as log:
                log.seek(self.log_offset)
                text = log.read().decode(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.rstrip().splitlines()[-lines:])

    def log_text(self) -> str:
        try:
            with self.log_path.open("rb") as log:
                log.seek(self.log_offset)
                return log.read().decode(errors="replace")
        except OSError:
            return ""


class ChildDied(Exception):
    def __init__(self, child: Child) -> None:
        self.child = child
        code = child.exit_code()
        how = f"was killed by signal {-code}" if code is not None and code < 0 else "exited"
        super().__init__(f"{child.name} {how} (code {code})")


class Children:
    """The stack's children, started in order and stopped in reverse order."""

    def __init__(self, run_dir: Path, log_dir: Path, env: Mapping[str, str]) -> None:
        self.run_dir = run_dir
        self.log_dir = log_dir
        self.env = dict(env)
        self.started: list[Child] = []

    def pid_file(self, name: str) -> PidFile:
        return PidFile(self.run_dir / f"{name}.pid")

    def start(self, name: str, command: Sequence[str], *, cwd: Path | None = None) -> Child:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_dir / f"{name}.log"
        argv = list(command)
        with log_path.open("ab") as log:
            stamp = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            log.write(f"\n=== {stamp} bondflow up starts {name}: {' '.join(argv)}\n".encode())
            log.flush()
            offset = log.tell()
            launch = argv
            if _parent_death_signal_supported():
                launch = [sys.executable, "-c", LAUNCHER, str(os.getpid()), *argv]
            process = subprocess.Popen(
                launch,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
                cwd=cwd,
                start_new_session=True,  # its own session and process group
                close_fds=True,
            )
        child = Child(name, argv, log_path, self.pid_file(name), process, offset)
        child.pid_file.write(process.pid, argv)
        self.started.append(child)
        return child

    def first_dead(self) -> Child | None:
        for child in self.started:
            if child.exit_code() is not None:
                return child
        return None

    def raise_if_any_died(self) -> None:
        dead = self.first_dead()
        if dead is not None:
            raise ChildDied(dead)

    def stop(self, child: Child, timeout: float, hurry: Callable[[], bool] | None = None) -> None:
        """SIGTERM to the group, wait up to ``timeout`` (or until ``hurry()``), then SIGKILL."""
        if child.exit_code() is None:
            signal_group(child.pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while child.exit_code() is None:
                if time.monotonic() >= deadline or (hurry is not None and hurry()):
                    signal_group(child.pid, signal.SIGKILL)
                    child.process.wait()
                    child.killed = True
                    break
                time.sleep(0.05)
        # The leader is gone; anything it left in its group goes too.
        signal_group(child.pid, signal.SIGKILL)
        child.pid_file.remove()

    def stop_all(self, timeout: float, hurry: Callable[[], bool] | None = None) -> list[Child]:
        """Stop every child, the last started first; returns them in stopping order."""
        stopped = []
        for child in reversed(self.started):
            self.stop(child, timeout, hurry)
            stopped.append(child)
        return stopped

    def stop_leftovers(self, names: Sequence[str]) -> list[tuple[str, int]]:
        """Stop children an earlier supervisor left running (found by their pid files)."""
        stopped = []
        for name in names:
            pid_file = self.pid_file(name)
            pid = pid_file.running_pid()
            if pid is not None:
                signal_group(pid, signal.SIGTERM)
                deadline = time.monotonic() + 5
                while pid_alive(pid) and time.monotonic() < deadline:
                    time.sleep(0.1)
                signal_group(pid, signal.SIGKILL)
                stopped.append((name, pid))
            pid_file.remove()
        return stopped
