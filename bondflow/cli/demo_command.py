"""`bondflow demo`: the solar story end to end through the running API.

With the stack up (`bondflow up`; when nothing answers at a local --api, the demo
starts the stack itself and stops it when done), it makes sure the demo's master
data and users are there on the settings' database (the seed and the users are
created once; a later run issues the users new tokens), then files the story's
documents through the API, plays the liaison and the filers until each lifecycle
completes, and prints the books, one exported module lot's trace back to its entry
lists, the ledger verification and the URLs to look at. Every run files new
documents (numbered by the time), so it can run again on the same data.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer
from rich.markup import escape

from bondflow.cli.context import (
    console,
    err_console,
    fail,
    load_settings,
    open_database,
    reporting,
)
from bondflow.settings import Settings
from schemas.access import UserIn, UserRole
from schemas.wording import with_article

if TYPE_CHECKING:
    from adapters.db.engine import Database
    from demo.report import Report
    from demo.story import StoryResult, StoryTokens

# httpx, the story and the demo's data (the demo package imports the ledger) are
# imported where they are used: `bondflow --help` and the other commands stay quick and
# do not need them.


def demo_users_wanted() -> tuple[UserIn, ...]:
    """The demo's users: a filer of each enterprise, the liaison, an auditor, an admin."""
    from demo import ids

    return (
        UserIn(name="demo-solar", role=UserRole.FILER, enterprises=(ids.SOLAR_CUSTOMS_CODE,)),
        UserIn(name="demo-cold", role=UserRole.FILER, enterprises=(ids.COLD_CHAIN_CUSTOMS_CODE,)),
        UserIn(name="demo-liaison", role=UserRole.LIAISON),
        UserIn(name="demo-auditor", role=UserRole.AUDITOR),
        UserIn(name="demo-admin", role=UserRole.ADMIN),
    )


@dataclass(frozen=True)
class DemoUsers:
    tokens: StoryTokens
    created: tuple[str, ...]  # the users this run created (the others got a new token)
    # Each run gives every demo user a new random console password (printed once with
    # the console's address; the previous run's passwords and sessions end).
    passwords: dict[str, str]


def demo_users(database: Database) -> DemoUsers:
    """The demo's users with a fresh token and console password each: created the
    first time; a user of that name with another role or scope is refused rather than
    used."""
    import secrets

    from access import AccessService
    from demo.story import StoryError, StoryTokens

    access = AccessService(database)
    existing = {user.name: user for user in access.users()}
    tokens: dict[str, str] = {}
    created: list[str] = []
    wanted_users = demo_users_wanted()
    passwords = {wanted.name: f"demo-{secrets.token_urlsafe(9)}" for wanted in wanted_users}
    for wanted in wanted_users:
        user = existing.get(wanted.name)
        if user is None:
            tokens[wanted.name] = access.create_user(wanted, passwords[wanted.name]).token
            created.append(wanted.name)
            continue
        if user.role is not wanted.role or set(user.enterprises) != set(wanted.enterprises):
            raise StoryError(
                f"user {user.name} exists as {with_article(user.role)} of"
                f" {', '.join(user.enterprises) or 'all enterprises'}; the demo needs"
                f" {with_article(wanted.role)} of"
                f" {', '.join(wanted.enterprises) or 'all enterprises'}"
            )
        if user.disabled:
            raise StoryError(f"user {user.name} is disabled; the demo cannot act as it")
        tokens[wanted.name] = access.issue_token(wanted.name).token
        access.set_password(wanted.name, passwords[wanted.name])
    return DemoUsers(
        tokens=StoryTokens(
            solar_filer=tokens["demo-solar"],
            cold_filer=tokens["demo-cold"],
            liaison=tokens["demo-liaison"],
            auditor=tokens["demo-auditor"],
        ),
        created=tuple(created),
        passwords=passwords,
    )


def print_console_sign_ins(api: str, users: DemoUsers) -> None:
    """Where the web console is and how each demo user signs in to it."""
    from rich.table import Table

    table = Table(
        title=f"the web console: {api.rstrip('/')}/ (中文; English by the switch)",
        title_justify="left",
    )
    table.add_column("username", style="bold")
    table.add_column("role")
    table.add_column("password (new each run of bondflow demo)")
    for wanted in demo_users_wanted():
        scope = ", ".join(wanted.enterprises)
        role = f"{wanted.role.value} of {scope}" if scope else wanted.role.value
        table.add_row(wanted.name, role, users.passwords[wanted.name])
    console.print(table)
    console.print(
        "Set a password of your own with [bold]bondflow users password NAME --password-stdin[/].",
        highlight=False,
    )


class ApiNotReady(Exception):
    def __init__(self, message: str, *, unreachable: bool) -> None:
        super().__init__(message)
        self.unreachable = unreachable  # nothing answered (rather than "not ready")


def check_ready(api: str) -> None:
    """The API answers and says its database and Temporal do; else why not."""
    import httpx

    try:
        response = httpx.get(f"{api.rstrip('/')}/ready", timeout=10)
    except httpx.HTTPError as error:
        raise ApiNotReady(
            f"the API at {api} does not answer ({type(error).__name__}). Start the stack"
            " with `bondflow up` (in another terminal), then run `bondflow demo` again.",
            unreachable=True,
        ) from error
    if response.status_code == 200:
        return
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.status_code != 503 or not isinstance(body, dict) or "temporal" not in body:
        raise ApiNotReady(
            f"something answers at {api}, but not bondflow's API (GET /ready answered"
            f" {response.status_code}); point --api at the API `bondflow up` started",
            unreachable=False,
        )
    raise ApiNotReady(
        f"the API at {api} is not ready (database {body.get('database')}, Temporal"
        f" {body.get('temporal')}); is `bondflow up` still starting?",
        unreachable=False,
    )


def prepare_data(settings: Settings) -> DemoUsers:
    """The schema, the seed and the users on the settings' database (the API's)."""
    from adapters.db import migrate
    from demo import seed_demo
    from demo import summarize as summarize_demo

    url = settings.effective_database_url
    migrate.upgrade(url)
    database = open_database(settings)
    try:
        before = summarize_demo(database)
        after = seed_demo(database)
        if after == before:
            console.print(f"demo data already there ({escape(url)})", highlight=False)
        else:
            console.print(f"demo data loaded ({escape(url)}): {after}", highlight=False)
        users = demo_users(database)
    finally:
        database.dispose()
    made = ", ".join(users.created)
    console.print(
        f"demo users: {made} created" if made else "demo users there: new tokens issued",
        highlight=False,
    )
    return users


async def tell(api: str, tokens: StoryTokens, timeout: float) -> tuple[StoryResult, Report]:
    """The story through the API at ``api``, with a progress line per chapter, then
    what the auditor reads at the end."""
    import httpx

    from demo.narration import RichNarrator
    from demo.report import gather
    from demo.story import SolarStory, StoryApi
    from demo.story_drafts import run_tag

    tag = run_tag()
    async with httpx.AsyncClient(base_url=api.rstrip("/"), timeout=30) as client:
        console.rule(f"the solar story, run {tag}")
        with RichNarrator(console) as narrator:
            story = SolarStory(client, tokens, tag=tag, narrator=narrator, timeout=timeout)
            result = await story.run()
        report = await gather(StoryApi(client), tokens.auditor, result)
    return result, report


async def run_demo(settings: Settings, api: str, temporal_ui: str, timeout: float) -> int:
    """Data, story, report; the exit code (1: the story stopped or the chain is broken)."""
    from demo.report import Urls, Verification, render
    from demo.story import StoryError

    with reporting():
        try:
            users = prepare_data(settings)
        except StoryError as error:
            fail(escape(str(error)), code=1)
    try:
        result, report = await tell(api, users.tokens, timeout)
    except StoryError as error:
        err_console.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False)
        return 1
    render(console, report, result, Urls(api, temporal_ui, settings.temporal_namespace))
    print_console_sign_ins(api, users)
    if isinstance(report.verification, Verification) and not report.verification.ok:
        return 1
    return 0


async def on_own_stack(settings: Settings, host: str, port: int, timeout: float) -> int:
    """Start the stack, run the demo on it, and (at a terminal) keep it up for the
    URLs until Ctrl-C; it stops either way."""
    from bondflow.cli.demo_stack import running_stack, until_interrupted

    # SIGTERM stops the demo as Ctrl-C does: the stack it started stops with it.
    main = asyncio.current_task()
    assert main is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main.cancel)
    async with running_stack(settings, host, port) as (plan, children):
        code = await run_demo(plan.settings, plan.api_url, plan.temporal.ui_url, timeout)
        if sys.stdin.isatty():
            console.print(
                "[bold]the stack stays up[/] for the URLs above: Ctrl-C stops it", highlight=False
            )
            await until_interrupted(children)
    return code


def demo(
    api: str = typer.Option("http://127.0.0.1:8000", "--api", help="The running API."),
    temporal_ui: str = typer.Option(
        "http://127.0.0.1:8233",
        "--temporal-ui",
        help="The Temporal web UI, for the links (a stack the demo starts gives its own).",
    ),
    timeout: float = typer.Option(
        180.0, "--timeout", help="Seconds a chapter may take before the demo gives up."
    ),
    start: bool = typer.Option(
        True,
        "--start/--no-start",
        help="When nothing answers at a local --api, start the stack here as `bondflow up`"
        " does (on the settings' data dir) and stop it when the demo is done.",
    ),
) -> None:
    """Run the solar story end to end through the API: materials in on a China-Europe
    return train, processed into modules, exported by train, sold into China with
    elective duty, glass transferred to another zone enterprise, plateau honey into
    the cold store; then the books, a module lot's trace, the ledger verification and
    the URLs. Uses the stack `bondflow up` runs (or starts one). Safe to run again."""
    from bondflow.cli.demo_stack import local_address

    settings = load_settings()
    own: tuple[str, int] | None = None
    try:
        check_ready(api)
    except ApiNotReady as error:
        own = local_address(api) if start and error.unreachable else None
        if own is None:
            fail(escape(str(error)), code=1)
    try:
        if own is None:
            code = asyncio.run(run_demo(settings, api, temporal_ui, timeout))
        else:
            code = asyncio.run(on_own_stack(settings, *own, timeout))
    except KeyboardInterrupt:
        err_console.print("interrupted")
        code = 130
    except asyncio.CancelledError:  # SIGTERM
        err_console.print("stopped")
        code = 143
    if code:
        raise typer.Exit(code)
