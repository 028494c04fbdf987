"""Convert rendered documents with LibreOffice (soffice), and PDF pages to PNG.

``assess … -o 排名.docx`` / ``-o 排名.pdf`` (``--format docx|pdf``) go
through :func:`office_bytes`; the tests that check our HTML survives a real
office suite and the script that makes the documentation's page images call
:func:`convert` directly.

The route is HTML → .docx (Writer's HTML import) → page numbers set with
python-docx → .pdf from that .docx.  Why not straight from the HTML:

* LibreOffice's HTML import knows one footer for every page, so the .docx it
  writes cannot have GB/T 9704's odd/even page numbers (“— N —”, 4 号半角宋体,
  odd pages on the right, even pages on the left, one character in from the
  edge).  :func:`number_pages` sets them in the .docx with python-docx
  (a runtime dependency for this reason, see setup.cfg).
* Its HTML → PDF export drops the footer of even pages; the .docx → PDF
  export keeps both footers, so the PDF is made from the numbered .docx.

Each call gets a fresh LibreOffice profile: two soffice processes sharing a
profile do not wait for each other, the second one just exits without
converting anything.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape

from assess.errors import OutputError

Target = Literal["docx", "pdf"]

_FILTERS: dict[str, str] = {
    "docx": "docx:MS Word 2007 XML",
    "pdf": "pdf:writer_pdf_Export",
}
# A workbook is laid out by Calc, which has its own PDF filter (the ledger, per its page setup).
_SHEET_SUFFIXES = (".xlsx", ".xls", ".ods")
_SHEET_PDF = "pdf:calc_pdf_Export"

# Windows and macOS install soffice outside PATH.
_CANDIDATES = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
)

# Chinese official-document fonts are rarely installed on Linux.  LibreOffice
# asks fontconfig for a font it lacks, and fontconfig would answer with a
# Latin sans-serif; these aliases send each one to the closest free font.
FONT_ALIASES: dict[str, tuple[str, ...]] = {
    "仿宋_GB2312": ("FangSong", "STFangsong", "AR PL SungtiL GB", "Noto Serif CJK SC"),
    "仿宋": ("FangSong", "STFangsong", "AR PL SungtiL GB", "Noto Serif CJK SC"),
    "FangSong": ("STFangsong", "AR PL SungtiL GB", "Noto Serif CJK SC"),
    "楷体_GB2312": ("KaiTi", "STKaiti", "AR PL KaitiM GB", "AR PL UKai CN", "Noto Serif CJK SC"),
    "楷体": ("KaiTi", "STKaiti", "AR PL KaitiM GB", "AR PL UKai CN", "Noto Serif CJK SC"),
    "KaiTi": ("STKaiti", "AR PL KaitiM GB", "AR PL UKai CN", "Noto Serif CJK SC"),
    "黑体": ("SimHei", "Noto Sans CJK SC", "WenQuanYi Zen Hei", "Droid Sans Fallback"),
    "SimHei": ("Noto Sans CJK SC", "WenQuanYi Zen Hei", "Droid Sans Fallback"),
    "宋体": ("SimSun", "AR PL SungtiL GB", "Noto Serif CJK SC", "AR PL UMing CN"),
    "SimSun": ("AR PL SungtiL GB", "Noto Serif CJK SC", "AR PL UMing CN"),
}
# 方正小标宋 is a heavy Song face: the nearest free stand-in is bold Noto Serif CJK.
HEAVY_SONG = ("方正小标宋简体", "方正小标宋_GBK", "华文中宋", "STZhongsong")


class OfficeError(OutputError):
    """LibreOffice is missing, timed out, or produced no output."""

    code = "office"


def find_soffice() -> str | None:
    """Path of LibreOffice's soffice, or None.  ``ASSESS_SOFFICE`` overrides."""
    override = os.environ.get("ASSESS_SOFFICE")
    if override:
        return override if Path(override).exists() or shutil.which(override) else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in _CANDIDATES:
        if Path(candidate).is_file():
            return candidate
    return None


def fontconfig_file(folder: Path) -> Path:
    """Write a fonts.conf that includes the system's and adds FONT_ALIASES."""
    parts = [
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
        "<fontconfig>",
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
    ]
    for family, prefer in FONT_ALIASES.items():
        parts.append(f'  <alias binding="same"><family>{escape(family)}</family><prefer>')
        parts.extend(f"    <family>{escape(p)}</family>" for p in prefer)
        parts.append("  </prefer></alias>")
    for family in HEAVY_SONG:
        parts.append(
            '  <match target="pattern"><test name="family" qual="any">'
            f"<string>{escape(family)}</string></test>"
            '<edit name="family" mode="assign" binding="strong"><string>Noto Serif CJK SC</string>'
            '</edit><edit name="weight" mode="assign" binding="strong"><const>bold</const></edit>'
            "</match>"
        )
    parts.append("</fontconfig>")
    path = folder / "fonts.conf"
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return path


def convert(
    src: Path,
    outdir: Path,
    target: Target,
    *,
    timeout: float = 180.0,
    soffice: str | None = None,
) -> Path:
    """Convert ``src`` (HTML, or a workbook to PDF) to ``outdir/<stem>.docx`` or ``.pdf``; return that path.

    A .docx of an HTML file gets GB/T 9704 odd/even page numbers
    (:func:`number_pages`); a PDF of an HTML file is made from that .docx,
    not from the HTML: what LibreOffice lays out from HTML puts the
    page-number footer on odd pages only.

    Raises OfficeError when soffice is missing, fails, times out or writes
    nothing (it exits 0 even when it converted nothing).
    """
    if target not in _FILTERS:
        raise ValueError(f"unknown target {target!r}")
    exe = soffice or find_soffice()
    if not exe:
        raise OfficeError("找不到 LibreOffice(soffice),无法转换文档")
    src = Path(src).resolve()
    outdir = Path(outdir).resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    is_html = src.suffix.lower() in (".html", ".htm")
    if target == "pdf" and is_html:
        with tempfile.TemporaryDirectory(prefix="assess-docx-") as tmp:
            docx = convert(src, Path(tmp), "docx", timeout=timeout, soffice=exe)
            return convert(docx, outdir, "pdf", timeout=timeout, soffice=exe)

    result = outdir / f"{src.stem}.{target}"
    if result.exists():
        result.unlink()
    with tempfile.TemporaryDirectory(prefix="assess-soffice-") as tmp:
        tmpdir = Path(tmp)
        profile = tmpdir / "profile"
        profile.mkdir()
        cmd = [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
        ]
        if is_html:
            cmd.append("--infilter=HTML (StarWriter)")
        sheet_pdf = target == "pdf" and src.suffix.lower() in _SHEET_SUFFIXES
        cmd += ["--convert-to", _SHEET_PDF if sheet_pdf else _FILTERS[target]]
        cmd += ["--outdir", str(outdir), str(src)]
        env = dict(os.environ)
        if sys.platform.startswith("linux"):
            env["FONTCONFIG_FILE"] = str(fontconfig_file(tmpdir))
        _run(cmd, env=env, timeout=timeout, cwd=tmpdir)

    if not result.is_file() or result.stat().st_size == 0:
        raise OfficeError(f"LibreOffice 未能把“{src.name}”转换为 {target}")
    if target == "docx":
        normalize_docx_fonts(result)
        if is_html:
            number_pages(result)
    return result


def office_bytes(html: str, target: Target, *, soffice: str | None = None, timeout: float = 180.0) -> bytes:
    """The .docx or .pdf of one rendered HTML document, as bytes (for ``Outputs.write``).

    Raises OfficeError as :func:`convert` does; the caller keeps the HTML.
    """
    with tempfile.TemporaryDirectory(prefix="assess-office-") as tmp:
        src = Path(tmp) / "document.html"  # an ASCII name: the title comes from <title>
        src.write_text(html, encoding="utf-8")
        return convert(src, Path(tmp) / "out", target, timeout=timeout, soffice=soffice).read_bytes()


# GB/T 9704—2012 7.5: 4 号半角宋体阿拉伯数字, “— 1 —”, 单页码居右空一字, 双页码居左空一字.
PAGE_NUMBER_PT = 14
PAGE_NUMBER_FONT = "宋体"


def number_pages(docx: Path) -> None:
    """Give every section of ``docx`` odd and even footers “— N —” (GB/T 9704).

    Odd pages right-aligned, even pages left-aligned, each one character
    (14 pt) in from the edge of the type area, in 4 号 (14 pt) 宋体.  The
    paragraph LibreOffice made for the HTML footer is kept as the pattern
    (its style and spacing place the number about 7 mm below the type area);
    only its text and alignment change.  Also writes ``assess <version>``
    into the keywords, which the PDF export carries over: that is how
    ``--force`` knows a .pdf (or .docx) as assess's own.
    """
    import copy

    from docx import Document
    from docx.oxml.ns import qn

    from assess import __version__

    doc = Document(str(docx))
    doc.settings.odd_and_even_pages_header_footer = True
    for section in doc.sections:
        section.different_first_page_header_footer = False
        found = section.footer._element.findall(qn("w:p")) if not section.footer.is_linked_to_previous else []
        pattern = copy.deepcopy(found[0]) if found else None
        _page_footer(section.footer, pattern, odd=True)
        _page_footer(section.even_page_footer, pattern, odd=False)
    doc.core_properties.keywords = f"assess {__version__}"
    doc.save(str(docx))


def _page_footer(footer: Any, pattern: Any, *, odd: bool) -> None:
    import copy

    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt
    from docx.text.paragraph import Paragraph

    footer.is_linked_to_previous = False
    body = footer._element
    for child in list(body):
        body.remove(child)
    p = copy.deepcopy(pattern) if pattern is not None else OxmlElement("w:p")
    for child in list(p):
        if child.tag != qn("w:pPr"):
            p.remove(child)
    body.append(p)
    para = Paragraph(p, footer)
    para.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
    fmt = para.paragraph_format
    fmt.first_line_indent = Pt(0)
    fmt.right_indent = Pt(PAGE_NUMBER_PT if odd else 0)
    fmt.left_indent = Pt(0 if odd else PAGE_NUMBER_PT)
    pieces: list[tuple[str, str]] = [
        ("text", "— "),
        ("begin", ""),
        ("instr", " PAGE "),
        ("separate", ""),
        ("text", "1"),
        ("end", ""),
        ("text", " —"),
    ]
    for kind, text in pieces:
        run = para.add_run()
        run.font.size = Pt(PAGE_NUMBER_PT)
        run.font.name = PAGE_NUMBER_FONT  # ascii and hAnsi: the digits are 宋体 too
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), PAGE_NUMBER_FONT)
        if kind == "text":
            run.text = text
        elif kind == "instr":
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._element.append(instr)
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._element.append(char)


def _run(cmd: list[str], *, env: dict[str, str], timeout: float, cwd: Path) -> None:
    kwargs: dict[str, object] = {}
    if os.name == "posix":
        kwargs["start_new_session"] = True  # so a timeout can end soffice's children too
    try:
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=cwd,
            **kwargs,  # type: ignore[call-overload]
        )
    except OSError as exc:
        raise OfficeError(f"无法启动 LibreOffice(“{cmd[0]}”):{exc.strerror or exc}") from exc
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        if os.name == "posix":
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        else:
            proc.kill()
        proc.communicate()
        raise OfficeError(f"LibreOffice 转换超时({timeout:g} 秒)") from None
    if proc.returncode != 0:
        detail = (err or out or b"").decode("utf-8", "replace").strip()
        raise OfficeError(f"LibreOffice 转换失败(退出码 {proc.returncode}):{detail[-500:]}")


_FONT_LIST = re.compile(r'(w:(?:ascii|hAnsi|eastAsia|cs)=")([^";]*);[^"]*(")')


def normalize_docx_fonts(docx: Path) -> None:
    """Keep only the first name of CSS font lists in a LibreOffice-written .docx.

    LibreOffice imports ``font-family:"仿宋_GB2312","仿宋",serif`` as one font
    named "仿宋_GB2312;仿宋;serif" and writes that into w:rFonts, a name Word
    cannot find.  Its font table already names the first font, with the
    second as w:altName, so the first name is what Word should see.
    """
    from assess.render.atomic import atomic_path

    with zipfile.ZipFile(docx) as zin:
        items = [(info, zin.read(info)) for info in zin.infolist()]
    changed = False
    fixed: list[tuple[zipfile.ZipInfo, bytes]] = []
    for info, data in items:
        if info.filename.startswith("word/") and info.filename.endswith(".xml"):
            text = data.decode("utf-8")
            new = _FONT_LIST.sub(r"\1\2\3", text)
            if new != text:
                changed = True
                data = new.encode("utf-8")
        fixed.append((info, data))
    if not changed:
        return
    with atomic_path(docx) as tmp, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in fixed:
            zout.writestr(info, data)


def pdf_to_png(pdf: Path, png: Path, page: int = 1, *, dpi: int = 100) -> Path:
    """Render one page of ``pdf`` to ``png`` with poppler's pdftoppm."""
    exe = shutil.which("pdftoppm")
    if not exe:
        raise OfficeError("找不到 pdftoppm(poppler-utils),无法生成页面图片")
    png = Path(png)
    stem = png.with_suffix("")
    cmd = [exe, "-f", str(page), "-l", str(page), "-r", str(dpi), "-png", "-singlefile"]
    cmd += [str(pdf), str(stem)]
    done = subprocess.run(cmd, capture_output=True, timeout=120, check=False)
    produced = stem.with_suffix(".png")
    if done.returncode != 0 or not produced.is_file():
        detail = done.stderr.decode("utf-8", "replace").strip()
        raise OfficeError(f"pdftoppm 未能生成第 {page} 页图片:{detail[-300:]}")
    if produced != png:
        os.replace(produced, png)
    return png


def pdf_page_count(pdf: Path) -> int:
    """Number of pages, from pdfinfo (poppler-utils)."""
    exe = shutil.which("pdfinfo")
    if not exe:
        raise OfficeError("找不到 pdfinfo(poppler-utils)")
    done = subprocess.run([exe, str(pdf)], capture_output=True, timeout=60, check=False)
    m = re.search(rb"^Pages:\s+(\d+)", done.stdout, re.MULTILINE)
    if not m:
        raise OfficeError(f"无法读取“{pdf}”的页数")
    return int(m.group(1))


def pdf_text(pdf: Path) -> str:
    """The PDF's text, from pdftotext (poppler-utils)."""
    exe = shutil.which("pdftotext")
    if not exe:
        raise OfficeError("找不到 pdftotext(poppler-utils)")
    done = subprocess.run([exe, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, timeout=60, check=False)
    return done.stdout.decode("utf-8", "replace")
