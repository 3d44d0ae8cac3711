"""The layers import only downwards: the CLI and the app see the placement service and ``features``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# What each package may import from the project's own packages (docs/architecture.md).
ALLOWED: dict[str, set[str]] = {
    "features": {"features"},
    "matching": {"features", "matching"},
    "optimizer": {"features", "matching", "optimizer"},
    "placement_service": {"features", "matching", "optimizer", "placement_service"},
    "stu_match": {"features", "placement_service", "stu_match"},
    "app_streamlit": {"features", "placement_service", "app_streamlit"},
}


def project_imports(path: Path) -> set[str]:
    """The project packages a module imports, at any depth (function-level imports included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(ALLOWED)


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_each_package_imports_only_what_its_layer_allows(package: str) -> None:
    offending = {
        str(path.relative_to(ROOT)): sorted(project_imports(path) - ALLOWED[package])
        for path in sorted((ROOT / package).rglob("*.py"))
    }
    offending = {name: bad for name, bad in offending.items() if bad}
    assert offending == {}


def test_the_store_lives_in_the_service_layer() -> None:
    assert not (ROOT / "stu_match" / "store.py").exists()
    assert (ROOT / "placement_service" / "store.py").exists()


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "page.py"
    module.write_text("def render():\n    from optimizer.solve import solve_placement\n", encoding="utf-8")
    assert project_imports(module) == {"optimizer"}
