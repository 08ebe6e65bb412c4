"""The story as it happens, on a terminal: one spinner line per chapter with its
lifecycle's stage and last note, and the people's decisions printed above."""

from __future__ import annotations

from types import TracebackType

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from demo.story import Chapter, ChapterOutcome
from schemas.lifecycle import LifecycleStatus

NOTE_WIDTH = 70


def _short(text: str, width: int = NOTE_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class RichNarrator:
    """A narrator for `bondflow demo` (use as a context manager)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.bar = Progress(
            SpinnerColumn(finished_text="[green]✓[/]"),
            TextColumn("{task.description}"),
            TextColumn("{task.fields[stage]}"),
            TimeElapsedColumn(),
            console=console,
        )
        self.tasks: dict[int, TaskID] = {}

    def __enter__(self) -> RichNarrator:
        self.bar.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for task in self.bar.tasks:
            if not task.finished:
                self.bar.update(task.id, stage="[red]stopped[/]")
                self.bar.stop_task(task.id)
        self.bar.stop()

    def begin(self, chapter: Chapter) -> None:
        self.tasks[chapter.number] = self.bar.add_task(
            f"[bold]{chapter.number}. {escape(chapter.title)}[/]", total=1, stage="filing"
        )

    def moved(self, chapter: Chapter, status: LifecycleStatus) -> None:
        task = self.tasks.get(chapter.number)
        if task is None:
            return
        note = status.timeline[-1].note if status.timeline else ""
        self.bar.update(task, stage=f"[cyan]{status.stage.value}[/] [dim]{escape(_short(note))}[/]")

    def say(self, chapter: Chapter, text: str) -> None:
        self.bar.console.print(f"   [dim]{chapter.number}.[/] {escape(text)}", highlight=False)

    def end(self, outcome: ChapterOutcome) -> None:
        task = self.tasks[outcome.chapter.number]
        number = outcome.status.list_no or outcome.business_no
        self.bar.update(
            task,
            completed=1,
            stage=f"[green]completed[/] {escape(number)} in {outcome.seconds:.1f} s",
        )
        self.bar.stop_task(task)
