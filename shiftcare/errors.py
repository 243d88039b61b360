"""Errors a user can fix: bad workbooks, unwritable outputs. Exit code 2 unless said otherwise."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class InputProblem:
    """One problem in an input workbook: where it is, what was expected, what was found.

    ``row`` is the Excel row number (1 = header row); ``None`` for a whole sheet or column.
    """

    file: str
    sheet: str
    row: int | None
    column: str
    expected: str
    found: str

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"sheet {self.sheet}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: expected {self.expected}, found {self.found}"


class ShiftcareError(Exception):
    """An error the user can act on; the command prints it and exits with ``exit_code``."""

    exit_code = 2


class WorkbookError(ShiftcareError):
    """Every problem found in an input workbook, reported together."""

    def __init__(self, problems: Sequence[InputProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class OutputWriteError(ShiftcareError):
    """An output file could not be written (open in Excel, no permission, no such folder)."""
