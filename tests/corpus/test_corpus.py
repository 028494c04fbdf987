"""Bad inputs (issue: hostile files): each case's exit code, error code, message and place are pinned.

Never a traceback, always a Chinese message naming the file and the place.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
import yaml

from tests.corpus.cases import CASES_FILE, builders, run_case

CASES = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 50
    assert set(CASES) == set(builders())


@pytest.mark.parametrize("name", sorted(CASES))
def test_case(name: str, tmp_path: Path) -> None:
    got = run_case(name, tmp_path)
    assert "exception" not in got, f"{name}: 未处理的异常 {got.get('exception')}"
    assert got == CASES[name]


FUZZ_RUNS = int(os.environ.get("ASSESS_FUZZ_RUNS", "25"))


@pytest.mark.parametrize("kind", ["workbook", "scheme"])
def test_byte_mutation_fuzz(kind: str, tmp_path: Path) -> None:
    """Random byte changes to a valid file: only assess's own errors, never an exception."""
    from click.testing import CliRunner

    from assess.cli import main
    from tests.corpus import builders as b

    rng = random.Random(20241123)
    for i in range(FUZZ_RUNS):
        seed = rng.randrange(1 << 30)
        folder = tmp_path / str(i)
        folder.mkdir()
        if kind == "workbook":
            path = b.mutated_bytes(seed)(folder)
            args = ["check", "--scheme", "county-2024", str(path)]
        else:
            path = b.mutated_scheme(seed)(folder)
            args = ["check", str(path)]
        result = CliRunner().invoke(main, args)
        assert result.exit_code in (0, 1, 2), (seed, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            seed,
            repr(result.exception),
        )
        assert "Traceback" not in result.output
