"""Analysis commands (what-if, scheme differences); registered on the main group."""

from __future__ import annotations

from assess.cli import main as main  # noqa: F401 - commands below attach to it
