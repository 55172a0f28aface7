"""Worker failures, told. A worker's state messages go to the node that started it and do not
bubble, so every screen that runs workers tells its own failures (a DomainError is the form's
to show in place; anything else is a toast with the error, never a silent stop)."""

from __future__ import annotations

from textual.worker import Worker, WorkerState

from memo.codes import DomainError
from memo.db import BookError
from memo.i18n import t


class TellsWorkerErrors:
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        error = event.worker.error
        if event.state == WorkerState.ERROR and not isinstance(error, DomainError):
            text = t(error.code, value=error.value) if isinstance(error, BookError) else str(error)
            self.notify(t("app.error", error=text), severity="error", markup=False)  # type: ignore[attr-defined]
