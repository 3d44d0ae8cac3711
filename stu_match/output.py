"""Where a command may write its ``--out``: checked before any work, never over its input.

``check_file_out`` and ``check_folder_out`` run before a command loads or computes
anything, so a path that cannot be written fails at once with exit code 2 and a
message naming it. A data file (students.csv, companies.csv, history.csv,
alumni.csv, a data workbook), a folder that holds one, or any file the command
reads is overwritten only with ``--force``. ``write_out`` turns a failed write into
the same kind of message instead of a traceback.
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path

from features.errors import InputError, file_error_da
from features.loading import EXCEL_SUFFIXES, TABLES, atomic_write_bytes

DATA_FILE_NAMES = frozenset(f"{table}.csv" for table in TABLES)
_SHEET_NAME = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\bname=\"([^\"]*)\"")


def check_file_out(path: Path, *, inputs: Iterable[Path | None] = (), force: bool = False) -> None:
    """Refuse an ``--out`` file that cannot be written, or that would replace data or an input without ``--force``."""
    if path.is_dir():
        raise InputError(
            f"--out {path} is a folder; give a file name, e.g. {path / 'plan.csv'}",
            f"--out {path} er en mappe; angiv et filnavn, fx {path / 'plan.csv'}",
        )
    _check_writable_folder(path.parent, path)
    if not path.exists() or force:
        return
    for given in inputs:
        if given is not None and given.exists() and _same(given, path):
            raise InputError(
                f"--out {path} is also an input of this command; it would be overwritten. "
                "Write to another file, or add --force to overwrite it",
                f"--out {path} er også en fil, kommandoen læser, og den ville blive overskrevet. "
                "Skriv til en anden fil, eller tilføj --force for at overskrive den",
            )
    if _holds_data(path):
        raise InputError(
            f"--out {path} is a data file; it would be overwritten. "
            "Write to another file, or add --force to overwrite it",
            f"--out {path} er en datafil, og den ville blive overskrevet. "
            "Skriv til en anden fil, eller tilføj --force for at overskrive den",
        )


def check_folder_out(path: Path, *, force: bool = False) -> None:
    """Refuse an ``--out`` folder that cannot be written, or that holds data files, without ``--force``."""
    if path.exists() and not path.is_dir():
        raise InputError(
            f"--out {path} is a file, not a folder; give a folder, or a file name ending in .xlsx",
            f"--out {path} er en fil, ikke en mappe; angiv en mappe eller et filnavn, der ender på .xlsx",
        )
    _check_writable_folder(path, path)
    if force or not path.is_dir():
        return
    found = sorted(p.name for p in path.iterdir() if p.name.casefold() in DATA_FILE_NAMES)
    if found:
        raise InputError(
            f"--out {path} already holds data ({', '.join(found)}); it would be overwritten. "
            "Give another folder, or add --force to overwrite it",
            f"--out {path} indeholder allerede data ({', '.join(found)}), og de ville blive overskrevet. "
            "Angiv en anden mappe, eller tilføj --force for at overskrive dem",
        )


def check_workbook_out(path: Path, *, force: bool = False) -> None:
    """Refuse a data workbook ``--out`` that cannot be written or already exists (without ``--force``)."""
    if path.is_dir():
        raise InputError(
            f"--out {path} is a folder; give a file name ending in .xlsx, or no .xlsx for a folder",
            f"--out {path} er en mappe; angiv et filnavn, der ender på .xlsx, eller et navn uden .xlsx "
            "for at skrive til en mappe",
        )
    _check_writable_folder(path.parent, path)
    if path.exists() and not force:
        raise InputError(
            f"--out {path} already exists; it would be overwritten. "
            "Give another file name, or add --force to overwrite it",
            f"--out {path} findes allerede, og den ville blive overskrevet. "
            "Angiv et andet filnavn, eller tilføj --force for at overskrive den",
        )


def write_out(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically; a failure raises ``InputError`` naming the path."""
    try:
        atomic_write_bytes(path, data)
    except OSError as error:
        raise InputError(
            f"cannot write --out {path}: {error.strerror or error}",
            f"kan ikke skrive --out {path}: {file_error_da(error, 'filen kan ikke skrives')}",
        ) from None


def save_elsewhere(data: bytes, suffix: str) -> Path:
    """Write ``data`` to a new file in the system's temporary folder and return its path (``OSError`` if not)."""
    handle, name = tempfile.mkstemp(prefix="stu-match-", suffix=suffix)
    with os.fdopen(handle, "wb") as out:
        out.write(data)
    return Path(name)


def _check_writable_folder(folder: Path, out: Path) -> None:
    """The folder exists and takes a new file, or can be created under its nearest existing parent."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise InputError(
            f"cannot write --out {out}: {existing} is a file, so the folder {folder} cannot be made",
            f"kan ikke skrive --out {out}: {existing} er en fil, så mappen {folder} kan ikke oprettes",
        )
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as error:
        what = "write in the folder" if existing == folder else "create the folder"
        what_da = "skrive i mappen" if existing == folder else "oprette mappen"
        raise InputError(
            f"cannot write --out {out}: cannot {what} {folder} ({error.strerror or error})",
            f"kan ikke skrive --out {out}: kan ikke {what_da} {folder} "
            f"({file_error_da(error, 'mappen kan ikke skrives i')})",
        ) from None


def _same(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False


def _holds_data(path: Path) -> bool:
    """A data file by its name, or a workbook with a students or companies sheet."""
    if path.name.casefold() in DATA_FILE_NAMES:
        return True
    if path.suffix.casefold() not in EXCEL_SUFFIXES:
        return False
    try:
        with zipfile.ZipFile(path) as archive, archive.open("xl/workbook.xml") as part:
            listing = part.read(1_000_000)
    except (OSError, KeyError, zipfile.BadZipFile):
        return False
    names = {name.decode("utf-8", "replace").strip().casefold() for name in _SHEET_NAME.findall(listing)}
    return bool(names & {"students", "companies"})
