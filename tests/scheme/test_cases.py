"""Every validation message, pinned with its line:column and key path.

The cases live in ``cases.yaml`` beside this file: a scheme text and the
exact lines a user sees for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.scheme.support import messages

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "cases.yaml").read_text(encoding="utf-8")
)


def test_case_names_are_unique() -> None:
    names = [c["name"] for c in CASES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case: dict[str, Any], tmp_path: Path) -> None:
    assert messages(tmp_path, case["yaml"]) == case["expected"]


def test_no_english_in_any_message() -> None:
    """Chinese users read these: no untranslated PyYAML or pydantic text."""
    english = (
        "Input should",
        "expected",
        "found",
        "while ",
        "Field required",
        "Value error",
    )
    for case in CASES:
        for text in case["expected"]:
            assert not any(word in text for word in english), (case["name"], text)
