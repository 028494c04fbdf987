"""Rewrite the golden files under tests/golden/ (review the diff before committing).

Usage: python scripts/refresh_goldens.py [KIND ...]

Each document kind registers a function that renders its example inputs and
returns {relative path: text}; this script writes them atomically.  Kinds are
added as the document commands land.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
sys.path.insert(0, str(ROOT))

Refresher = Callable[[], dict[str, str]]


def _documents() -> dict[str, str]:
    from tests.documents.builders import documents

    return documents()


REFRESHERS: dict[str, Refresher] = {"documents": _documents}


def main(argv: list[str]) -> int:
    from assess.render.atomic import write_atomic

    kinds = argv or sorted(REFRESHERS)
    unknown = [k for k in kinds if k not in REFRESHERS]
    if unknown:
        print(f"unknown kind(s): {', '.join(unknown)}; known: {', '.join(sorted(REFRESHERS)) or 'none yet'}")
        return 2
    for kind in kinds:
        for rel, text in REFRESHERS[kind]().items():
            target = GOLDEN / kind / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, text)
            print(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
