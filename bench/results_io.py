"""The raw results of a run as JSON, so the report can be re-rendered without measuring again."""

from __future__ import annotations

import json
import os
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.evaluate import PlanStats
from bench.instances import spec_named
from bench.run import InstanceRun, MethodRun


def save_results(path: str | os.PathLike[str], results: list[InstanceRun], header: str) -> None:
    """Every instance's summary and every method's runs, plus the run's header (command, machine, date)."""
    data = {
        "header": header,
        "instances": [
            {
                "name": result.spec.name,
                "summary": result.summary,
                "runs": {
                    method: {
                        "seconds": run.seconds,
                        "peak_mb": run.peak_mb,
                        "info": run.info,
                        "stats": None if run.stats is None else asdict(run.stats),
                        "error": run.error,
                    }
                    for method, run in result.runs.items()
                },
            }
            for result in results
        ],
    }
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def load_results(path: str | os.PathLike[str]) -> tuple[list[InstanceRun], str]:
    """The results and header saved by ``save_results``."""
    data: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    results = []
    for item in data["instances"]:
        runs = {
            method: MethodRun(
                method,
                seconds=list(run["seconds"]),
                peak_mb=float(run["peak_mb"]),
                info=dict(run["info"]),
                stats=None if run["stats"] is None else PlanStats(**run["stats"]),
                error=run["error"],
            )
            for method, run in item["runs"].items()
        }
        results.append(InstanceRun(spec_named(item["name"]), dict(item["summary"]), Path(), runs))
    return results, str(data["header"])
