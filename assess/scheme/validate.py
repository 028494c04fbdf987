"""Whole-scheme checks that pydantic cannot make, each pointing at its YAML node.

Every check appends a Finding instead of raising, so ``assess check`` lists
all problems of a scheme in one run.  The checks run in this order because
the later ones rely on the ids the first one collects.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assess.errors import Finding
from assess.scheme.checker import Checker
from assess.scheme.validate_formulas import check_formulas
from assess.scheme.validate_grades import check_composition, check_grades
from assess.scheme.validate_ids import check_ids
from assess.scheme.validate_lines import check_field_lines
from assess.scheme.validate_reach import check_reach
from assess.scheme.validate_rectify import check_rectify
from assess.scheme.validate_rules import check_indicators
from assess.scheme.validate_scores import check_scores
from assess.scheme.validate_sets import check_group_sets
from assess.scheme.validate_sources import check_sources

if TYPE_CHECKING:
    from assess.scheme.load import LoadedScheme


def validate_scheme(loaded: LoadedScheme) -> list[Finding]:
    checker = Checker(loaded)
    check_ids(checker)
    check_formulas(checker)
    check_indicators(checker)
    check_scores(checker)
    check_group_sets(checker)
    check_field_lines(checker)
    check_grades(checker)
    check_composition(checker)
    check_reach(checker)
    check_sources(checker)
    check_rectify(checker)
    checker.findings.sort(key=lambda f: (f.location.line or 0, f.location.column or 0))
    return checker.findings
