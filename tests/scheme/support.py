"""Helpers for the scheme tests: load a scheme text and list what a user sees."""

from __future__ import annotations

from pathlib import Path

from assess.errors import Finding, SchemeError
from assess.scheme.load import LoadedScheme, load_scheme


def line(finding: Finding) -> str:
    loc = finding.location
    head = f"{loc.line}:{loc.column}" if loc.line is not None else ""
    key = f" {loc.key}" if loc.key else ""
    tail = " [提醒]" if finding.severity == "warning" else ""
    return f"{head}{key}: {finding.message}{tail}"


def error_lines(exc: SchemeError) -> list[str]:
    if exc.findings:
        return [line(f) for f in exc.findings]
    return [line(exc.to_finding())]


def write(directory: Path, text: str | bytes, name: str = "scheme.yaml") -> Path:
    path = directory / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8", newline="\n")
    return path


def messages(directory: Path, text: str | bytes) -> list[str]:
    """Every message a user sees for ``text``: the errors, or the warnings."""
    try:
        loaded: LoadedScheme = load_scheme(write(directory, text))
    except SchemeError as exc:
        return error_lines(exc)
    return [line(f) for f in loaded.warnings]
