"""Render one page of each example document to PNG under docs/images/ (shown in the README).

    python scripts/make_images.py            # every image
    python scripts/make_images.py rectify    # only those of docs/rectify.md
    python scripts/make_images.py serve      # only the web pages of assess serve (docs/images/serve-*.png)

Runs the commands of the README's quick start on the bundled examples into a
temporary folder, converts each document with LibreOffice (as a clerk's Word
or WPS would open it) and keeps the first page at 80 dpi.  The two pictures of
docs/rectify.md come from the committed example examples/整改/ (made by
examples/make_rectify.py): its last progress document and a county's printable
ledger, first page at 100 dpi, cropped to what the page holds.  The pictures
of ``assess serve`` are taken by its browser test at 1366×768 in Chromium
(``ASSESS_SCREENSHOTS=1 python -m pytest tests/serve/test_browser.py``; Debian:
apt-get install chromium chromium-l10n, the latter for the browser's own words in Chinese).
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


# docs/rectify.md's pictures: (image name, file of examples/整改/, crop box in pixels at 100 dpi: x, y, w, h)
RECTIFY = (
    ("rectify-progress", "2025-05-31/整改进展情况.html", (90, 120, 650, 780)),  # A4 portrait: title to 措施
    (
        "rectify-ledger",
        "2025-05-31/整改台账_浏阳市.xlsx",
        (20, 60, 1614, 560),
    ),  # A3 landscape: title, header, rows
)


def page_of(pdf: Path, heading: str) -> int:
    """The first page whose text starts with a line holding ``heading`` (pdftotext's pages)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    for number, page in enumerate(text.stdout.split("\f"), start=1):
        first = next((line for line in page.splitlines() if line.strip()), "")
        if heading in first:
            return number
    return 1


def crop_png(pdf: Path, png: Path, box: tuple[int, int, int, int], dpi: int = 100) -> Path:
    """The first page of ``pdf`` at ``dpi``, cropped to ``box`` (pdftoppm's -x -y -W -H)."""
    import shutil

    exe = shutil.which("pdftoppm")
    if not exe:
        raise SystemExit("需要 pdftoppm:apt-get install -y poppler-utils")
    x, y, w, h = box
    stem = png.with_suffix("")
    cmd = [exe, "-f", "1", "-l", "1", "-r", str(dpi), "-png", "-singlefile"]
    cmd += ["-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h), str(pdf), str(stem)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
    return png


def rectify_images(out: Path) -> None:
    """docs/images/rectify-*.png from examples/整改/ (HTML through Writer, the ledger through Calc)."""
    from assess.render.office import convert

    example = ROOT / "examples" / "整改"
    for name, source, box in RECTIFY:
        pdf = convert(example / source, out / "pdf" / name, "pdf")
        crop_png(pdf, IMAGES / f"{name}.png", box)
        print(f"wrote docs/images/{name}.png")


def serve_images() -> None:
    """docs/images/serve-*.png: the browser test of assess serve takes them as it goes."""
    import os

    env = {**os.environ, "ASSESS_SCREENSHOTS": "1"}
    names = [IMAGES / f"serve-{n}.png" for n in ("collect", "receipt", "ranking")]
    before = [p.stat().st_mtime if p.exists() else 0.0 for p in names]
    test = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/serve/test_browser.py"]
    done = subprocess.run([sys.executable, *test], cwd=ROOT, env=env)
    if done.returncode != 0:
        raise SystemExit("浏览器测试没有通过,图片可能不完整")
    if [p.stat().st_mtime if p.exists() else 0.0 for p in names] == before:
        raise SystemExit("没有生成图片:浏览器测试被跳过(需要 playwright 和 Chromium)")
    print("wrote docs/images/serve-collect.png, serve-receipt.png, serve-ranking.png")


def main() -> None:
    from assess.render.office import convert, find_soffice, pdf_to_png

    if sys.argv[1:] == ["serve"]:
        serve_images()
        return
    if not find_soffice():
        raise SystemExit(
            "需要 LibreOffice:apt-get install -y libreoffice-writer-nogui fonts-noto-cjk poppler-utils"
        )
    if sys.argv[1:] == ["rectify"]:
        with tempfile.TemporaryDirectory() as tmp:
            rectify_images(Path(tmp))
        return
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
        # The ranking notice opens with its overview; the picture shows the page of the table.
        starts = {"ranking": "、考核结果排名"}  # the heading 二、考核结果排名, not the title
        for name, html in documents.items():
            pdf = convert(html, out / "pdf" / name, "pdf")
            page = page_of(pdf, starts[name]) if name in starts else 1
            pdf_to_png(pdf, IMAGES / f"{name}.png", page=page, dpi=80)
            print(f"wrote docs/images/{name}.png")
        rectify_images(out)


if __name__ == "__main__":
    main()
