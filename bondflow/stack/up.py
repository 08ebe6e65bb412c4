"""`bondflow up`: Temporal, the database, the worker, the customs simulator and the
API on one machine, in one command, until Ctrl-C.

Everything lives under the data dir, so a second `bondflow up` carries on where
the first stopped::

    var/temporal.db         Temporal's state (workflows, histories, search attributes)
    var/bondflow.db         bondflow's database (unless BONDFLOW_DATABASE_URL says otherwise)
    var/exchange/           the single-window OutBox, InBox and their neighbours
    var/customs-sim/        the simulator's state and scheduled receipts
    var/logs/<name>.log     each child's output
    var/run/<name>.pid      each child's pid (and up.pid, the supervisor's)

Startup: Temporal starts and the migrations run meanwhile; once Temporal answers,
the worker, the simulator and the API start together. Each is waited for until it
answers (see ``readiness``). Shutdown, on Ctrl-C or SIGTERM or when a child dies:
the children stop in reverse order (API, simulator, worker, Temporal); a second
Ctrl-C stops waiting for them politely.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from adapters.simulator.behaviour import HumanPaths
from bondflow.cli.context import console, err_console, fail, load_settings
from bondflow.settings import Settings
from bondflow.stack.processes import Child, ChildDied, Children, PidFile, command_line_of
from bondflow.stack.readiness import NotReady, TemporalProbe, http_ok, log_says, wait_for
from bondflow.stack.temporal_server import (
    UI_PORT_OFFSET,
    TemporalBinaryMissing,
    TemporalDevServer,
    join_address,
    split_address,
    temporal_binary,
)

CHILDREN = ("temporal", "worker", "customs-sim", "api")  # in starting order
STOP_TIMEOUT = 15.0  # seconds a child gets to stop before it is killed
SIMULATOR_MARK = "customs simulator on"  # what `bondflow customs-sim` says when it runs

SIMULATOR_DELAY = 1  # seconds between a document's receipts (so the UI shows each step)


def simulator_arguments(paths: HumanPaths) -> list[str]:
    """The `bondflow customs-sim` options of the stack's simulator: the paths that need
    a person as ``paths`` says (returned lists and gate passes, inspections, weight
    holds), no manual review, no gate inspections, no scale noise, and receipts a
    second apart; every other behaviour keeps the simulator's defaults."""
    return [
        f"--seed={paths.seed}",
        "--manual-review-rate=0",
        f"--return-rate={paths.returns}",
        f"--gate-return-rate={paths.returns}",
        f"--inspection-rate={paths.inspections}",
        "--gate-inspection-rate=0",
        f"--weight-hold-rate={paths.weight_holds}",
        "--weight-noise-kg=0",
        f"--delay={SIMULATOR_DELAY}",
    ]


class StackFailure(Exception):
    """A part of the stack did not come up; ``child`` is whose log to show."""

    def __init__(self, message: str, child: Child | None = None) -> None:
        super().__init__(message)
        self.child = child


@dataclass(frozen=True)
class StackPlan:
    """What `bondflow up` runs, decided before anything starts."""

    settings: Settings  # as the children see them (absolute data dir, our Temporal)
    temporal: TemporalDevServer
    api_host: str
    api_port: int
    simulator: bool
    startup_timeout: float
    simulator_paths: HumanPaths  # how often the simulator needs a person

    @property
    def data_dir(self) -> Path:
        return self.settings.data_dir

    @property
    def logs(self) -> Path:
        return self.data_dir / "logs"

    @property
    def run_dir(self) -> Path:
        return self.data_dir / "run"

    @property
    def api_url(self) -> str:
        """Where the API is reached from this machine (a wildcard address via loopback)."""
        host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(
            self.api_host, self.api_host
        )
        return f"http://{join_address(host, self.api_port)}"

    def child_env(self) -> dict[str, str]:
        """The environment of every child: ours, with the stack's settings pinned."""
        env = dict(os.environ)
        env.update(
            BONDFLOW_DATA_DIR=str(self.data_dir),
            BONDFLOW_DATABASE_URL=self.settings.effective_database_url,
            BONDFLOW_TEMPORAL_ADDRESS=self.settings.temporal_address,
            PYTHONUNBUFFERED="1",  # logs as they happen, not when a buffer fills
        )
        return env

    def bondflow(self, *arguments: str) -> list[str]:
        return [sys.executable, "-m", "bondflow.cli.main", *arguments]

    def simulator_command(self) -> list[str]:
        return self.bondflow("customs-sim", *simulator_arguments(self.simulator_paths))

    def api_command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "api.app:create_app",
            "--host",
            self.api_host,
            "--port",
            str(self.api_port),
            "--timeout-graceful-shutdown",
            "5",
        ]


def make_plan(
    settings: Settings,
    *,
    data_dir: Path | None,
    db_filename: Path | None,
    api_host: str,
    api_port: int,
    temporal_port: int | None,
    ui_port: int | None,
    simulator: bool,
    startup_timeout: float,
    simulator_paths: HumanPaths | None = None,
) -> StackPlan:
    data = (data_dir or settings.data_dir).resolve()
    host, configured_port = split_address(settings.temporal_address)
    port = temporal_port or configured_port
    pinned = settings.model_copy(
        update={"data_dir": data, "temporal_address": join_address(host, port)}
    )
    server = TemporalDevServer(
        host=host,
        port=port,
        ui_port=ui_port or port + UI_PORT_OFFSET,
        db_filename=(db_filename or data / "temporal.db").resolve(),
        namespace=settings.temporal_namespace,
    )
    return StackPlan(
        pinned,
        server,
        api_host,
        api_port,
        simulator,
        startup_timeout,
        simulator_paths or HumanPaths(),
    )


def port_taken(host: str, port: int) -> bool:
    """Whether something already accepts connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def say(message: str) -> None:
    console.print(message, highlight=False, soft_wrap=True)


async def first_failure(*steps: Awaitable[Any]) -> None:
    """Run the steps together; the first to fail cancels the others and is raised."""
    tasks = [asyncio.ensure_future(step) for step in steps]
    try:
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        for task in done:
            task.result()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def ready(
    plan: StackPlan,
    children: Children,
    child: Child,
    what: str,
    check: Callable[[], Awaitable[bool]],
) -> None:
    try:
        took = await wait_for(
            what, check, timeout=plan.startup_timeout, guard=children.raise_if_any_died
        )
    except NotReady as error:
        raise StackFailure(str(error), child) from None
    say(f"  [green]✓[/] {child.name} ready ({took:.1f} s)")


async def migrate_database(plan: StackPlan) -> None:
    from adapters.db import migrate

    url = plan.settings.effective_database_url
    try:
        await asyncio.to_thread(migrate.upgrade, url)
    except Exception as error:  # any failure stops the start; the reason is shown
        raise StackFailure(f"the database migration failed: {error}") from error
    say(f"  [green]✓[/] database migrated ({escape(url)})")


async def start(plan: StackPlan, children: Children) -> None:
    settings = plan.settings
    temporal = children.start("temporal", plan.temporal.command())
    probe = TemporalProbe(plan.temporal.address, settings.temporal_namespace)
    await first_failure(
        ready(plan, children, temporal, "Temporal", probe.healthy),
        migrate_database(plan),
    )
    worker = children.start("worker", plan.bondflow("worker"))
    steps = [
        ready(
            plan,
            children,
            worker,
            "the worker",
            lambda: probe.polled_by(settings.task_queue, pid=worker.pid),
        )
    ]
    if plan.simulator:
        simulator = children.start("customs-sim", plan.simulator_command())
        sim_ready = log_says(simulator, SIMULATOR_MARK)
        steps.append(ready(plan, children, simulator, "the customs simulator", sim_ready))
    api = children.start("api", plan.api_command())
    steps.append(ready(plan, children, api, "the API", lambda: http_ok(f"{plan.api_url}/ready")))
    await first_failure(*steps)


def print_ready(plan: StackPlan, started: float) -> None:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_row("API", plan.api_url, f"docs {plan.api_url}/docs")
    table.add_row("Temporal", plan.temporal.address, f"UI   {plan.temporal.ui_url}")
    table.add_row(
        "customs simulator",
        f"{plan.simulator_paths.describe()}, receipts {SIMULATOR_DELAY} s apart"
        if plan.simulator
        else "off (--no-simulator)",
        "",
    )
    table.add_row("data", str(plan.data_dir), f"logs {plan.logs}")
    console.print(table)
    say(
        f"[bold green]bondflow is up[/] in {time.monotonic() - started:.1f} s: "
        f"API {plan.api_url} (docs {plan.api_url}/docs), Temporal UI {plan.temporal.ui_url}. "
        "Ctrl-C to stop."
    )


def report(failure: Exception, child: Child | None) -> None:
    err_console.print(f"[bold red]error:[/] {escape(str(failure))}", highlight=False)
    if child is not None:
        tail = child.tail()
        err_console.print(f"last lines of {child.log_path}:", style="bold", highlight=False)
        for line in tail.splitlines() or ["(nothing written)"]:
            err_console.print(f"  {escape(line)}", highlight=False)


async def supervise(plan: StackPlan) -> int:
    """Start the stack, wait for a stop or a death, stop it; the exit code."""
    started = time.monotonic()
    stop = asyncio.Event()
    hurry = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_signal() -> None:
        if stop.is_set():
            hurry.set()
            say("stopping now (killing what is left)")
        else:
            stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(sig, on_signal)

    children = Children(plan.run_dir, plan.logs, plan.child_env())
    startup = asyncio.ensure_future(start(plan, children))
    stopping = asyncio.ensure_future(stop.wait())
    code = 0
    stopped: list[Child] = []
    try:
        await asyncio.wait({startup, stopping}, return_when=asyncio.FIRST_COMPLETED)
        if startup.done():
            startup.result()
            print_ready(plan, started)
            while not stop.is_set():
                children.raise_if_any_died()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(stopping), timeout=0.5)
        else:
            say("interrupted while starting")
    except ChildDied as died:
        report(died, died.child)
        code = 1
    except StackFailure as failure:
        report(failure, failure.child)
        code = 1
    finally:
        startup.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await startup
        if children.started:
            say("stopping " + ", ".join(child.name for child in reversed(children.started)))
        stopped = await asyncio.to_thread(children.stop_all, STOP_TIMEOUT, hurry.is_set)
        stopping.cancel()
    killed = [child.name for child in stopped if child.killed]
    if stopped:
        say("stopped" + (f"; killed (did not stop in time): {', '.join(killed)}" if killed else ""))
    return code


def prepare(plan: StackPlan) -> PidFile:
    """Refuse a second supervisor on the same data dir, stop what a vanished one left,
    check the ports; returns the supervisor's pid file, written."""
    plan.data_dir.mkdir(parents=True, exist_ok=True)
    up_pid = PidFile(plan.run_dir / "up.pid")
    running = up_pid.running_pid()
    if running is not None and running != os.getpid():
        fail(f"bondflow up is already running on {plan.data_dir} (pid {running})")
    children = Children(plan.run_dir, plan.logs, {})
    for name, pid in children.stop_leftovers(CHILDREN):
        say(f"[yellow]stopped {name} (pid {pid}), left running by an earlier bondflow up[/]")
    wanted = [
        ("Temporal", plan.temporal.host, plan.temporal.port, "--temporal-port"),
        ("the Temporal UI", plan.temporal.host, plan.temporal.ui_port, "--ui-port"),
        ("the API", plan.api_host, plan.api_port, "--api-port"),
    ]
    for what, host, port, option in wanted:
        if port_taken(host, port):
            fail(f"port {port} on {host}, wanted for {what}, is in use; choose another: {option}")
    up_pid.write(os.getpid(), command_line_of(os.getpid()) or sys.argv)
    return up_pid


def run_stack(plan: StackPlan) -> int:
    try:
        temporal_binary()
    except TemporalBinaryMissing as error:
        fail(str(error))
    up_pid = prepare(plan)
    say(f"starting bondflow in {plan.data_dir} (logs in {plan.logs})")
    try:
        return asyncio.run(supervise(plan))
    finally:
        up_pid.remove()


def chosen_paths(
    settings: Settings,
    *,
    returns: float | None = None,
    inspections: float | None = None,
    weight_holds: float | None = None,
    seed: int | None = None,
) -> HumanPaths:
    """The simulator's paths: the command line's options over the settings'."""
    given = {
        "returns": returns,
        "inspections": inspections,
        "weight_holds": weight_holds,
        "seed": seed,
    }
    chosen = {name: value for name, value in given.items() if value is not None}
    return HumanPaths.model_validate(settings.simulator_paths.model_dump() | chosen)


def up(
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="Where everything is kept (default: BONDFLOW_DATA_DIR, ./var)."
    ),
    api_host: str = typer.Option("127.0.0.1", "--host", help="Address the API listens on."),
    api_port: int = typer.Option(8000, "--api-port", help="Port of the API."),
    temporal_port: int | None = typer.Option(
        None,
        "--temporal-port",
        help="Port of Temporal's frontend (default: the port of BONDFLOW_TEMPORAL_ADDRESS, 7233).",
    ),
    ui_port: int | None = typer.Option(
        None, "--ui-port", help="Port of the Temporal web UI (default: Temporal's port + 1000)."
    ),
    db_filename: Path | None = typer.Option(
        None, "--db-filename", help="Temporal's SQLite file (default: DATA_DIR/temporal.db)."
    ),
    simulator: bool = typer.Option(
        True,
        "--simulator/--no-simulator",
        help="Run the customs simulator (it approves all but the shares below).",
    ),
    returns: float | None = typer.Option(
        None,
        "--returns",
        min=0,
        max=1,
        help="Share of lists and gate passes customs returns once, for the filer to correct "
        "(default: BONDFLOW_SIMULATOR_RETURNS, 0).",
    ),
    inspections: float | None = typer.Option(
        None,
        "--inspections",
        min=0,
        max=1,
        help="Share of declarations sent to inspection, for the liaison to record "
        "(default: BONDFLOW_SIMULATOR_INSPECTIONS, 0).",
    ),
    weight_holds: float | None = typer.Option(
        None,
        "--weight-holds",
        min=0,
        max=1,
        help="Share of vehicles the gate scale reads far off their declared weight, for "
        "the liaison to decide (default: BONDFLOW_SIMULATOR_WEIGHT_HOLDS, 0).",
    ),
    seed: int | None = typer.Option(
        None,
        "--seed",
        help="The simulator's seed: same seed, same answers (default: BONDFLOW_SIMULATOR_SEED).",
    ),
    startup_timeout: float = typer.Option(
        90.0, "--startup-timeout", help="Seconds each part may take to become ready."
    ),
) -> None:
    """Run the whole stack here: Temporal (SQLite), migrations, the worker with the
    receipt watcher, the customs simulator and the API, until Ctrl-C."""
    settings = load_settings()
    plan = make_plan(
        settings,
        data_dir=data_dir,
        db_filename=db_filename,
        api_host=api_host,
        api_port=api_port,
        temporal_port=temporal_port,
        ui_port=ui_port,
        simulator=simulator,
        startup_timeout=startup_timeout,
        simulator_paths=chosen_paths(
            settings, returns=returns, inspections=inspections, weight_holds=weight_holds, seed=seed
        ),
    )
    code = run_stack(plan)
    if code:
        raise typer.Exit(code)
