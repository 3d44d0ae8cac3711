"""Measurements run in fresh processes; each prints one JSON object as its last line of output."""

from __future__ import annotations

import json
import os
import subprocess
import sys
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


def cli_json_in(
    tree: Path, arguments: Sequence[str], *, env: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """``stu-match ARGUMENTS`` (with ``--json``) run from the revision checked out in ``tree``: its
    whole output as one JSON object (printed indented, so not only its last line).

    Raises ``RuntimeError`` naming the command with the end of its error output when it fails.
    """
    done = subprocess.run(
        [sys.executable, "-m", "stu_match.cli", *arguments],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree), **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        command = " ".join(["stu-match", *arguments])
        raise RuntimeError(f"{command} in {tree} failed (exit {done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)
