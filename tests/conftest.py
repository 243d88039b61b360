"""Fixtures shared by the test modules."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from shiftcare.pipeline import load
from shiftcare.problem import Problem
from shiftcare.samples import build_generated


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Problem,
                                                                  npt.NDArray[np.int64]]:
    """A generated week of 40 agents, two queues, stress-aware settings (seed 3)."""
    path = build_generated(40, 7, 2, 3, path=tmp_path_factory.mktemp("generated") / "g.xlsx")
    return load(Path(path), None)
