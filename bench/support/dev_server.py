"""The Temporal dev server the lifecycle and queue benches run on (shared by them)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from workflows.search import SEARCH_ATTRIBUTES

BIN = Path(sys.executable).parent


async def quiet_dev_server() -> WorkflowEnvironment:
    """The dev server with our search attributes, its banner kept off the bench's
    output (its errors still show)."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 1)  # the server process inherits this stdout
        return await WorkflowEnvironment.start_local(
            dev_server_existing_path=str(BIN / "temporal"),
            data_converter=pydantic_data_converter,
            search_attributes=list(SEARCH_ATTRIBUTES),
            dev_server_log_level="error",
        )
    finally:
        os.dup2(saved, 1)
        os.close(saved)
