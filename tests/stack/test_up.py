"""`bondflow up` as a person runs it: a real subprocess on a fresh data dir and free
ports, the API's health and readiness, Ctrl-C, nothing left running, and a second
start on the same data dir that finds the first one's state (a user and its token
in bondflow's database, a workflow in Temporal's SQLite file)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from temporalio.client import Client, WorkflowExecutionStatus

from tests.support.ports import free_port

BIN = Path(sys.executable).parent
BONDFLOW = BIN / "bondflow"
READY_LINE = "bondflow is up"
STARTUP_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
PROBE_QUEUE = "stack-probe-nobody-polls"


def clean_env(**extra: str) -> dict[str, str]:
    """Our environment without any BONDFLOW_* setting, plus ``extra``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("BONDFLOW_")}
    env.update(extra)
    return env


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@dataclass
class Ports:
    api: int = field(default_factory=free_port)
    temporal: int = field(default_factory=free_port)
    ui: int = field(default_factory=free_port)


@dataclass
class Stack:
    """A running `bondflow up` and everything it printed so far."""

    process: subprocess.Popen[str]
    data_dir: Path
    ports: Ports
    lines: list[str] = field(default_factory=list)

    @property
    def output(self) -> str:
        return "".join(self.lines)

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.ports.api}"

    @property
    def temporal(self) -> str:
        return f"localhost:{self.ports.temporal}"

    def read_output(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def wait_until_up(self) -> float:
        started = time.monotonic()
        while READY_LINE not in self.output:
            assert self.process.poll() is None, f"bondflow up exited early:\n{self.output}"
            assert time.monotonic() - started < STARTUP_TIMEOUT, f"not up:\n{self.output}"
            time.sleep(0.1)
        return time.monotonic() - started

    def child_pids(self) -> dict[str, int]:
        """The children's pids, from the pid files (first line of each)."""
        return {
            path.stem: int(path.read_text().split("\n", 1)[0])
            for path in (self.data_dir / "run").glob("*.pid")
            if path.stem != "up"
        }

    def interrupt(self) -> int:
        """Ctrl-C: SIGINT to `bondflow up` alone, as the terminal would send it."""
        self.process.send_signal(signal.SIGINT)
        return self.process.wait(timeout=STOP_TIMEOUT)


@contextmanager
def bondflow_up(workdir: Path, ports: Ports, *extra: str) -> Iterator[Stack]:
    data_dir = workdir / "var"
    command = [
        str(BONDFLOW),
        "up",
        "--data-dir",
        str(data_dir),
        "--api-port",
        str(ports.api),
        "--temporal-port",
        str(ports.temporal),
        "--ui-port",
        str(ports.ui),
        *extra,
    ]
    process = subprocess.Popen(
        command,
        cwd=workdir,  # no bondflow.toml here
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # signals from the test runner's terminal do not reach it
    )
    stack = Stack(process, data_dir, ports)
    reader = threading.Thread(target=stack.read_output, daemon=True)
    reader.start()
    try:
        yield stack
    finally:
        if process.poll() is None:  # the test failed half way: leave nothing behind
            process.terminate()
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()  # its children follow (parent-death signal)
                process.wait()
        reader.join(timeout=5)


def assert_all_gone(pids: dict[str, int]) -> None:
    left = {name: pid for name, pid in pids.items() if alive(pid) or group_alive(pid)}
    assert not left, f"still running after bondflow up stopped: {left}"


def create_admin(data_dir: Path, name: str) -> str:
    """`bondflow users create NAME --role admin`; the token is stdout's last line."""
    result = subprocess.run(
        [str(BONDFLOW), "users", "create", name, "--role", "admin"],
        env=clean_env(BONDFLOW_DATA_DIR=str(data_dir)),
        cwd=data_dir.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip().splitlines()[-1]


def healthcheck(stack: Stack, *arguments: str) -> int:
    return subprocess.run(
        [sys.executable, "-m", "bondflow.stack.healthcheck", *arguments],
        env=clean_env(BONDFLOW_TEMPORAL_ADDRESS=stack.temporal),
        cwd=stack.data_dir.parent,
        timeout=60,
        check=False,
    ).returncode


async def start_probe(address: str) -> str:
    """A workflow on a task queue nobody polls: it stays running in Temporal's file."""
    client = await Client.connect(address)
    workflow_id = f"stack-probe-{uuid.uuid4().hex[:8]}"
    await client.start_workflow("StackProbe", id=workflow_id, task_queue=PROBE_QUEUE)
    return workflow_id


async def probe_status(address: str, workflow_id: str) -> WorkflowExecutionStatus | None:
    client = await Client.connect(address)
    handle = client.get_workflow_handle(workflow_id)
    status = (await handle.describe()).status
    await handle.terminate(reason="the test is over")
    return status


@pytest.mark.heavy
def test_up_serves_stops_cleanly_and_keeps_its_state(tmp_path: Path) -> None:
    ports = Ports()
    http = httpx.Client(timeout=10, trust_env=False)

    # First start: a fresh data dir.
    with bondflow_up(tmp_path, ports) as stack:
        first_startup = stack.wait_until_up()
        assert f"{stack.api}/docs" in stack.output
        assert f"http://localhost:{ports.ui}" in stack.output  # the Temporal UI

        health = http.get(f"{stack.api}/health")
        assert health.status_code == 200, health.text
        assert health.json()["status"] == "ok"
        readiness = http.get(f"{stack.api}/ready")
        assert readiness.status_code == 200, readiness.text
        assert readiness.json() == {"status": "ok", "database": "ok", "temporal": "ok"}
        assert http.get(f"http://localhost:{ports.ui}/").status_code == 200

        # The container health checks (docker-compose.yml) agree.
        for check in (["api", f"{stack.api}/ready"], ["worker"], ["temporal"]):
            assert healthcheck(stack, *check) == 0, check

        token = create_admin(stack.data_dir, "stack-admin")
        books = http.get(f"{stack.api}/books", headers={"Authorization": f"Bearer {token}"})
        assert books.status_code == 200, books.text
        workflow_id = asyncio.run(start_probe(stack.temporal))

        pids = stack.child_pids()
        assert set(pids) == {"temporal", "worker", "customs-sim", "api"}
        assert all(alive(pid) for pid in pids.values())
        assert stack.interrupt() == 0, stack.output
        assert_all_gone(pids)
        assert not list((stack.data_dir / "run").glob("*.pid")), "pid files left behind"

    data_dir = tmp_path / "var"
    assert (data_dir / "temporal.db").stat().st_size > 0
    assert (data_dir / "bondflow.db").stat().st_size > 0
    assert (data_dir / "exchange" / "InBox").is_dir()
    assert (data_dir / "customs-sim").is_dir()

    # Second start on the same data dir: the user, its token and the workflow are there.
    with bondflow_up(tmp_path, ports) as stack:
        second_startup = stack.wait_until_up()
        books = http.get(f"{stack.api}/books", headers={"Authorization": f"Bearer {token}"})
        assert books.status_code == 200, books.text
        status = asyncio.run(probe_status(stack.temporal, workflow_id))
        assert status == WorkflowExecutionStatus.RUNNING
        pids = stack.child_pids()
        assert stack.interrupt() == 0, stack.output
        assert_all_gone(pids)

    http.close()
    print(f"startup: {first_startup:.1f} s fresh, {second_startup:.1f} s again")


@pytest.mark.heavy
def test_a_child_that_dies_is_named_and_the_rest_stop(tmp_path: Path) -> None:
    with bondflow_up(tmp_path, Ports()) as stack:
        stack.wait_until_up()
        pids = stack.child_pids()
        os.killpg(pids["customs-sim"], signal.SIGKILL)
        assert stack.process.wait(timeout=STOP_TIMEOUT) == 1, stack.output
        assert "customs-sim was killed by signal 9" in stack.output
        assert "customs-sim.log" in stack.output  # the tail of its log follows
        assert "customs simulator on" in stack.output
        assert_all_gone(pids)
