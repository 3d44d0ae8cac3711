"""Measurements run in fresh processes; each prints one JSON object as its last line of output."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bench.sections import ROOT


def run_for_json(
    command: Sequence[str],
    what: str,
    *,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> dict[str, Any]:
    """Run ``command`` in the repository and return the JSON object on its last line of output.

    Raises ``RuntimeError`` naming ``what`` with the end of the child's error output when it fails.
    """
    done = subprocess.run(
        list(command),
        cwd=Path(ROOT),
        capture_output=True,
        text=True,
        env=None if env is None else dict(env),
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])
