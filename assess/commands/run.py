"""What a command hands back to the CLI: text for stdout, lines for stderr, an exit code."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assess.errors import EXIT_CLEAN


@dataclass
class Run:
    stdout: str = ""
    messages: list[str] = field(default_factory=list)
    exit_code: int = EXIT_CLEAN
    written: list[Path] = field(default_factory=list)
