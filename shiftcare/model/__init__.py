"""The CP-SAT model: one module per rule family, wired together by ``builder``."""

from shiftcare.model.builder import BuiltModel, build_model

__all__ = ["BuiltModel", "build_model"]
