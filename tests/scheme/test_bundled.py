"""Every bundled scheme loads cleanly: no error and no warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from assess.scheme.load import load_scheme
from assess.scheme.plan import compile_plan

SCHEMES = sorted((Path(__file__).resolve().parents[2] / "indicators").glob("*.yaml"))


def test_there_is_a_bundled_scheme() -> None:
    assert SCHEMES


@pytest.mark.parametrize("path", SCHEMES, ids=[p.name for p in SCHEMES])
def test_bundled_scheme_loads_without_findings(path: Path) -> None:
    loaded = load_scheme(path)
    assert loaded.warnings == []
    assert loaded.scheme.id == path.stem
    compile_plan(loaded)  # every formula compiles, every by_group variant validates
