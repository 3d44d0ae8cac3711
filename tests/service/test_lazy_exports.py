"""The service's package root names each public name once and imports it from its module on first use."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import placement_service


def test_every_public_name_has_one_source() -> None:
    sourced = [name for names in placement_service._SOURCES.values() for name in names]
    assert len(sourced) == len(set(sourced))
    assert sorted(sourced) == sorted(placement_service.__all__)


@pytest.mark.parametrize("name", sorted(placement_service.__all__))
def test_each_name_is_the_object_of_its_module(name: str) -> None:
    module = importlib.import_module(placement_service._SOURCE_OF[name])
    assert getattr(placement_service, name) is getattr(module, name)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        placement_service.nothing_here  # noqa: B018
    with pytest.raises(ImportError):
        exec("from placement_service import nothing_here", {})


def test_importing_the_package_imports_none_of_its_use_cases() -> None:
    code = (
        "import sys, placement_service; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('matching', 'optimizer') "
        "or m.startswith('placement_service.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
