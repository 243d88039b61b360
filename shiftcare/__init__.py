"""shiftcare: stress-aware workforce scheduling for call centres."""

__version__ = "0.1.0"
