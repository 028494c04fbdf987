"""Render one page of each example document to PNG under docs/images/ (shown in the README).

    python scripts/make_images.py

Runs the commands of the README's quick start on the bundled examples into a
temporary folder, converts each document with LibreOffice (as a clerk's Word
or WPS would open it) and keeps the first page at 80 dpi.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
IMAGES = ROOT / "docs" / "images"


def assess(*args: str) -> None:
    """Run one command; exit 1 is fine: the sample has two deliberately blank cells (data problems)."""
    done = subprocess.run([sys.executable, "-m", "assess", *args], cwd=ROOT)
    if done.returncode not in (0, 1):
        raise SystemExit(f"assess {args[0]} 以退出码 {done.returncode} 结束")


def main() -> None:
    from assess.render.office import convert, find_soffice, pdf_to_png

    if not find_soffice():
        raise SystemExit(
            "需要 LibreOffice:apt-get install -y libreoffice-writer-nogui fonts-noto-cjk poppler-utils"
        )
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        assess(
            "rank",
            "-s",
            "county-2024",
            "examples/counties",
            "--format",
            "html",
            "-o",
            str(out / "ranking.html"),
            "--date",
            "2025-01-20",
            "-q",
        )
        assess(
            "score",
            "-s",
            "county-2024",
            "examples/counties/浏阳市.xlsx",
            "examples/counties/泸溪县.xlsx",
            "examples/counties/宁乡市.xlsx",
            "--format",
            "html",
            "-o",
            str(out / "sheets"),
            "--date",
            "2025-01-20",
        )
        assess(
            "rectify",
            "-s",
            "county-2024",
            "examples/counties",
            "--findings",
            "examples/督查/督查暗访和审计发现问题清单.xlsx",
            "--as-of",
            "2025-03-31",
            "-o",
            str(out / "zg"),
        )
        assess(
            "explain",
            "-s",
            "county-2024",
            "examples/counties",
            "--unit",
            "花垣县",
            "--format",
            "html",
            "-o",
            str(out / "explain.html"),
            "--date",
            "2025-01-20",
        )
        assess(
            "diff",
            "county-2023",
            "county-2024",
            "--data",
            "examples/counties",
            "--format",
            "html",
            "-o",
            str(out / "diff.html"),
            "--date",
            "2025-01-20",
        )
        assess(
            "rank",
            "-s",
            "county-2024",
            "examples/counties",
            "--sensitivity",
            "200",
            "--format",
            "html",
            "-o",
            str(out / "s" / "rank.html"),
            "--date",
            "2025-01-20",
            "-q",
        )
        checklists = sorted((out / "zg").glob("整改清单*.html"))
        progress = sorted((out / "zg").glob("整改进展*.html"))
        documents = {
            "ranking": out / "ranking.html",
            "scoresheet": out / "sheets" / "浏阳市.html",
            "checklist": checklists[0],
            "progress": progress[0],
            "explain": out / "explain.html",
            "diff": out / "diff.html",
            "sensitivity": out / "s" / "rank_稳健性分析.html",
        }
        for name, html in documents.items():
            pdf = convert(html, out / "pdf" / name, "pdf")
            pdf_to_png(pdf, IMAGES / f"{name}.png", page=1, dpi=80)
            print(f"wrote docs/images/{name}.png")


if __name__ == "__main__":
    main()
