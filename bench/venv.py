"""The separate virtualenv for the PyPI package ``matching`` (its name collides with ours)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

VENV = Path(__file__).resolve().parent / ".venv-matching"
REQUIREMENT = "matching==1.4.*"


def matching_python(venv: Path = VENV) -> Path:
    """The venv's Python, creating the venv and installing ``matching`` on first use."""
    python = venv / "bin" / "python"
    if not python.exists() or not _has_matching(python):
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", REQUIREMENT], check=True)
    return python


def _has_matching(python: Path) -> bool:
    probe = [str(python), "-I", "-c", "import matching.games"]
    return subprocess.run(probe, capture_output=True, check=False).returncode == 0


def matching_version(venv: Path = VENV) -> str | None:
    """The installed version of ``matching`` in the venv, or None if it is not there."""
    python = venv / "bin" / "python"
    if not python.exists():
        return None
    probe = [str(python), "-I", "-c", "from importlib.metadata import version; print(version('matching'))"]
    done = subprocess.run(probe, capture_output=True, text=True, check=False)
    return done.stdout.strip() if done.returncode == 0 else None
