"""The machine and software a benchmark ran on, for the report."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from bench.sections import ROOT
from bench.venv import matching_version

PACKAGES = ("numpy", "scipy", "pandas", "ortools", "pydantic", "matplotlib")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return None


def package_versions() -> dict[str, str]:
    out = {name: _version(name) for name in PACKAGES}
    out["matching (own venv)"] = matching_version() or "not installed"
    return out


def git_commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or "unknown"


def machine_summary(packages: tuple[str, ...] = ()) -> str:
    """One line for a section's "measured on": CPU, cores, RAM, OS, Python and the given packages."""
    ram = memory_gb()
    memory = f", {ram:.0f} GB RAM" if ram is not None else ""
    versions = "".join(f", {name} {_version(name)}" for name in packages)
    return (
        f"{cpu_model()}, {os.cpu_count()} cores{memory}, {platform.platform()}, "
        f"Python {platform.python_version()}{versions}"
    )


def _version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def machine_lines() -> list[str]:
    """Markdown bullet lines: date, CPU, cores, RAM, OS, Python, packages, commit."""
    ram = memory_gb()
    versions = ", ".join(f"{name} {v}" for name, v in package_versions().items())
    return [
        f"- Date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- CPU: {cpu_model()}, {os.cpu_count()} cores (shared with other work: figures are noisy)",
        f"- RAM: {ram:.0f} GB" if ram is not None else "- RAM: unknown",
        f"- OS: {platform.platform()}",
        f"- Python {platform.python_version()}; {versions}",
        f"- Code: commit {git_commit()} (plus any uncommitted changes in the working tree)",
    ]
