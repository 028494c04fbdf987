"""Write docs/scheme.schema.json from the scheme models.

Run after changing assess/scheme/model.py or assess/scheme/schema.py:

    python scripts/gen_schema.py

tests/scheme/test_schema.py fails while the committed file is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assess.scheme.schema import schema_text  # noqa: E402 - after the path set-up

TARGET = ROOT / "docs" / "scheme.schema.json"


def main() -> None:
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(schema_text(), encoding="utf-8", newline="\n")
    print(f"已写入 {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
