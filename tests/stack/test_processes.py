"""The pieces of `bondflow up` without the stack: stopping a child that will not stop,
what it started itself, children of a supervisor killed with SIGKILL, pid files,
and the Temporal dev server's command line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bondflow.stack.processes import Children, PidFile, group_alive, pid_alive
from bondflow.stack.temporal_server import TemporalDevServer, split_address

# Ignores SIGTERM, starts a grandchild in its group, says so, and sleeps.
STUBBORN = textwrap.dedent(
    """\
    import signal, subprocess, sys, time
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    print("grandchild", grandchild.pid, flush=True)
    time.sleep(60)
    """
)


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_a_child_that_ignores_sigterm_is_killed_with_its_group(tmp_path: Path) -> None:
    children = Children(tmp_path / "run", tmp_path / "logs", dict(os.environ))
    child = children.start("stubborn", [sys.executable, "-c", STUBBORN])
    wait_until(lambda: "grandchild" in child.log_text())
    grandchild = int(child.log_text().split("grandchild", 1)[1].split()[0])
    assert os.getpgid(grandchild) == child.pid  # same group, its own session
    assert os.getsid(child.pid) == child.pid

    started = time.monotonic()
    children.stop_all(timeout=0.5)
    assert time.monotonic() - started < 5
    assert child.killed
    # SIGKILL is sent to the whole group; its members die as the kernel gets to them
    # (on a busy machine, a moment after the call returns).
    wait_until(lambda: not group_alive(child.pid))
    wait_until(lambda: not pid_alive(grandchild))
    assert not child.pid_file.path.exists()


def test_children_stop_when_the_supervisor_is_killed(tmp_path: Path) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("the parent-death signal is Linux only")
    supervisor = textwrap.dedent(
        f"""\
        import os, sys, time
        from pathlib import Path
        from bondflow.stack.processes import Children
        children = Children(Path({str(tmp_path / "run")!r}), Path({str(tmp_path / "logs")!r}),
                            dict(os.environ))
        child = children.start("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"])
        print(child.pid, flush=True)
        time.sleep(60)
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", supervisor], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    child_pid = int(process.stdout.readline())
    assert pid_alive(child_pid)
    process.kill()  # no chance to clean up
    process.wait()
    wait_until(lambda: not pid_alive(child_pid))
    # The next supervisor finds the pid file, sees the pid is gone, and tidies up.
    children = Children(tmp_path / "run", tmp_path / "logs", {})
    assert children.stop_leftovers(["sleeper"]) == []
    assert not (tmp_path / "run" / "sleeper.pid").exists()


def test_a_pid_file_does_not_trust_a_reused_pid(tmp_path: Path) -> None:
    pid_file = PidFile(tmp_path / "x.pid")
    pid_file.write(os.getpid(), ["something", "else"])
    if sys.platform.startswith("linux"):
        assert pid_file.running_pid() is None  # this pid runs another command
    pid_file.write(2**22 + 12345, ["gone"])
    assert pid_file.running_pid() is None


def test_the_dev_server_command_line() -> None:
    server = TemporalDevServer(
        host="localhost",
        port=17233,
        ui_port=18233,
        db_filename=Path("/data/t.db"),
        namespace="zone",
    )
    command = server.command(Path("/bin/temporal"))
    assert command[:3] == ["/bin/temporal", "server", "start-dev"]
    joined = " ".join(command)
    assert "--port 17233" in joined
    assert "--ui-port 18233" in joined
    assert "--db-filename /data/t.db" in joined
    assert "--namespace zone" in joined
    assert "--search-attribute BondflowLifecycle=Keyword" in joined
    assert server.ui_url == "http://localhost:18233"
    assert split_address("localhost:7233") == ("localhost", 7233)
    assert split_address("temporal") == ("temporal", 7233)
    assert split_address("[::1]:7300") == ("::1", 7300)


def test_stop_is_quick_for_a_child_that_stops(tmp_path: Path) -> None:
    children = Children(tmp_path / "run", tmp_path / "logs", dict(os.environ))
    child = children.start("sleeper", ["sleep", "60"])
    started = time.monotonic()
    children.stop_all(timeout=10)
    assert time.monotonic() - started < 2
    assert not child.killed
    assert child.exit_code() == -signal.SIGTERM
