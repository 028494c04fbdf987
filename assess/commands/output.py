"""Where a command's output goes, and the promise that it never lands on an input.

Every command that writes builds one :class:`Outputs` with the files it reads
(each with its role: 县级填报表, 上年结果, 问题清单…) before it reads them.
A target is then refused when it is one of those files, compared by identity
(same inode, so hard links, symbolic links and case-insensitive names all
count), not by spelling; an existing target is replaced only with
``--force``, only when assess wrote it (:func:`own_output`), atomically, and
with the old version kept beside it when it differs from the new one.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from assess.commands.run import Run
from assess.errors import OutputError, UsageError, os_error_text, shorten

SUFFIX = {"json": ".json", "html": ".html", "doc": ".doc", "xlsx": ".xlsx", "docx": ".docx", "pdf": ".pdf"}
FORMAT_OF = {
    ".json": "json",
    ".html": "html",
    ".htm": "html",
    ".doc": "doc",
    ".xlsx": "xlsx",
    ".docx": "docx",
    ".pdf": "pdf",
}
# formats written one file per unit when there are several
FOLDER_FORMATS = ("html", "doc", "xlsx", "docx", "pdf")
# Made from the document's HTML by LibreOffice (assess.render.office); the renderers give HTML for them.
OFFICE_FORMATS = ("docx", "pdf")


def resolve_format(fmt: str | None, output: Path | None, choices: Iterable[str], command: str) -> str:
    """``--format`` as given, or what the suffix of ``-o`` says, or the screen table.

    A suffix that contradicts ``--format`` is an error rather than a file
    named ``排名.xlsx`` holding HTML; ``-o`` with the default format is never
    silently ignored.
    """
    allowed = [c for c in choices if c != "table"]
    if output is None:
        return fmt or "table"
    suffix = output.suffix.lower()
    implied = FORMAT_OF.get(suffix) if suffix else None
    if fmt is None:
        if implied in allowed:
            return implied
        listed = " ".join(SUFFIX[c] for c in allowed)
        if suffix:
            raise UsageError(
                f"无法由输出文件“{output.name}”的扩展名 {output.suffix} 确定格式;"
                f"{command} 可写 {listed},或用 --format 指定"
            )
        raise UsageError(f"-o “{output}”没有扩展名,无法确定输出格式;请写明扩展名({listed})或用 --format 指定")
    if fmt == "table":
        raise UsageError(
            "table 格式只显示在屏幕上;写入文件请用 -o 文件名.json/.html/.doc/.docx/.pdf/.xlsx 或 --format 指定格式"
        )
    if implied is not None and implied != fmt:
        raise UsageError(
            f"--format {fmt} 与输出文件“{output.name}”的扩展名 {output.suffix} 不一致;"
            f"请把扩展名改为 {SUFFIX[fmt]},或去掉 --format 让扩展名决定格式"
        )
    return fmt


def data_role(level: str | None) -> str:
    """What the tool calls a unit's data file in a refusal: 县级填报表, 乡镇填报表…"""
    from assess.levels import words

    return words(level).role


@dataclass(frozen=True, slots=True)
class _Read:
    path: Path
    role: str
    named: bool  # named on the command line (a file in a named folder is not)


def _identity(path: Path) -> tuple[tuple[int, int] | None, str]:
    """A file's inode (None where it cannot be had) and its resolved, case-folded path."""
    try:
        st = path.stat()
        inode: tuple[int, int] | None = (st.st_dev, st.st_ino) if st.st_ino else None
    except OSError:
        inode = None
    try:
        real = os.path.realpath(path)
    except (OSError, ValueError):
        real = os.path.abspath(path)
    return inode, os.path.normcase(real)


@dataclass
class Outputs:
    """The files a command reads, and every output target checked against them."""

    force: bool = False
    keep: bool = True  # keep an earlier version that differs (documents rectify remakes each run: no)
    reads: list[_Read] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # backups kept, said on stderr
    _by_inode: dict[tuple[int, int], _Read] = field(default_factory=dict)
    _by_path: dict[str, _Read] = field(default_factory=dict)

    def read(self, paths: Iterable[Path | str | None], role: str) -> Outputs:
        """Note inputs of one role; a folder stands for every file in it."""
        for p in paths:
            if p is None:
                continue
            path = Path(p)
            if path.is_dir():
                for child in _files_in(path):
                    self._add(_Read(child, role, False))
            else:
                self._add(_Read(path, role, True))
        return self

    def _add(self, item: _Read) -> None:
        self.reads.append(item)
        inode, real = _identity(item.path)
        if inode is not None:
            self._by_inode.setdefault(inode, item)
        self._by_path.setdefault(real, item)

    def input_of(self, target: Path) -> _Read | None:
        inode, real = _identity(target)
        return (self._by_inode.get(inode) if inode is not None else None) or self._by_path.get(real)

    def check(self, target: Path) -> Path:
        """``target`` if it may be written; the refusal says why otherwise."""
        try:
            return self._check(target)
        except OSError as exc:  # a name too long, a path through a file…: the system's word
            raise unusable(target, exc) from None

    def _check(self, target: Path) -> Path:
        if target.is_dir():
            raise UsageError(f"输出“{target}”是一个已有的文件夹,不是文件;请在 -o 中写出文件名")
        hit = self.input_of(target)
        if hit is not None and (hit.named or not own_output(target)):
            same = "" if hit.path == target else f"“{hit.path}”"
            raise UsageError(
                f"输出文件“{target}”与输入的{hit.role}{same}是同一个文件;"
                "assess 从不改写输入文件(--force 也不行),请用 -o 换一个输出位置"
            )
        if target.exists() or target.is_symlink():
            if not self.force:
                raise UsageError(f"输出文件“{target}”已存在;如需替换请加 --force(旧文件会保留备份)")
            if not own_output(target):
                never = "--force 也不会替换它" if self.keep else "assess 不会替换它"
                raise UsageError(
                    f"“{target}”已存在,且不是 assess 生成的文件,{never};请用 -o 换一个输出位置,或先把它移走"
                )
        return target

    def file(self, output: Path, fmt: str) -> Path:
        """The one file a single-file output goes to, checked and its folder made."""
        suffix = output.suffix.lower()
        if suffix != SUFFIX[fmt] and not (fmt == "html" and suffix == ".htm"):
            raise UsageError(f"输出文件“{output}”的扩展名应为 {SUFFIX[fmt]}")
        self.check(output)
        make_folder(output.parent)
        return output

    def folder(self, output: Path, names: list[str], fmt: str) -> list[Path]:
        """One safe, unique file name per unit inside the folder ``output``."""
        from assess.render.atomic import safe_filename

        try:
            if output.exists() and not output.is_dir():
                raise UsageError(f"多个单位的 {fmt} 输出须写入文件夹,但“{output}”是文件")
        except OSError as exc:
            raise unusable(output, exc) from None
        taken: set[str] = set()
        targets = [output / f"{safe_filename(name, taken)}{SUFFIX[fmt]}" for name in names]
        for target in targets:
            self.check(target)
        make_folder(output)
        return targets

    def write(self, target: Path, data: bytes | str | Iterable[str]) -> Path:
        """Write ``target`` atomically; an earlier version that differs is kept as a backup.

        A ``.docx`` or ``.pdf`` target takes the document's HTML and converts it
        (:func:`office_document`).
        """
        from assess.render.atomic import write_atomic

        self.check(target)
        if target.suffix.lower() in (".docx", ".pdf") and isinstance(data, str):
            data = self.office_document(target, data)
        if os.path.lexists(target):
            payload = data.encode("utf-8") if isinstance(data, str) else data
            if isinstance(payload, bytes) and _same_bytes(target, payload):
                return target  # nothing changes: no backup of an identical file
            if self.keep:
                self.messages.append(f"已保留旧版本:{keep_backup(target)}")
            data = payload
        return write_atomic(target, data)

    def office_document(self, target: Path, html: str) -> bytes:
        """``target``'s .docx or .pdf made from ``html`` with LibreOffice.

        When LibreOffice is missing or fails, the HTML is written beside
        (``排名.html`` for ``排名.docx``) and an OfficeError says so (exit 2).
        """
        from assess.render.office import OfficeError, find_soffice, office_bytes

        soffice = find_soffice()
        try:
            if soffice is None:
                raise OfficeError(NO_OFFICE)
            if target.suffix.lower() == ".pdf":
                return office_bytes(html, "pdf", soffice=soffice)
            return office_bytes(html, "docx", soffice=soffice)
        except OfficeError as exc:
            beside = target.with_suffix(".html")
            try:
                self.write(beside, html)
            except (OutputError, UsageError) as kept:
                raise OfficeError(f"{exc.message};HTML 也未能写入:{kept.message}") from None
            raise OfficeError(f"{exc.message};已改为写入 HTML:{beside}{OFFICE_HINT}") from None


NO_OFFICE = "未找到 LibreOffice,无法生成 .docx/.pdf"
OFFICE_HINT = (
    "(可用 Word/WPS 打开后另存为 .docx 或 PDF)。"
    "要直接得到 .docx/.pdf,请安装 LibreOffice(https://zh-cn.libreoffice.org/,"
    "Linux 上 apt-get install libreoffice-writer-nogui),"
    "或用环境变量 ASSESS_SOFFICE 指明 soffice 的位置。"
)


def unusable(path: Path, exc: OSError) -> OutputError:
    """An output path the system refuses, said in Chinese with the path cut short."""
    return OutputError(f"无法使用输出路径“{shorten(path)}”:{os_error_text(exc)}")


def _files_in(folder: Path) -> Iterator[Path]:
    with contextlib.suppress(OSError):
        for child in folder.iterdir():
            if child.is_file():
                yield child


def _same_bytes(path: Path, data: bytes) -> bool:
    """Whether ``path`` already holds ``data``; for .xlsx, the same parts but for the
    time stamps openpyxl writes into ``docProps/core.xml`` and the zip headers."""
    try:
        old = path.read_bytes()
    except OSError:
        return False
    if old == data:
        return True
    if path.suffix.lower() != ".xlsx":
        return False
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(old)) as a, zipfile.ZipFile(io.BytesIO(data)) as b:
            names = sorted(n for n in a.namelist() if n != "docProps/core.xml")
            if names != sorted(n for n in b.namelist() if n != "docProps/core.xml"):
                return False
            return all(a.read(n) == b.read(n) for n in names)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, RuntimeError):
        return False


def keep_backup(target: Path) -> Path:
    """Copy ``target`` to ``名称.备份-YYYYMMDD-HHMMSS.后缀`` beside it (``-2``… when taken)."""
    from assess.render.atomic import copy_atomic, free_name

    backup = free_name(target, f"{target.stem}.备份-{time.strftime('%Y%m%d-%H%M%S')}", target.suffix)
    copy_atomic(target, backup, f"替换前无法备份“{target}”({{error}}),未写入任何文件")
    return backup


_OWN_SIGNS = (b'"format": "assess.', b'"format":"assess.', b'"$comment": "assess')
_DOC_SIGN = b'content=3D"assess '  # the Originator meta of a .doc (quoted-printable)


def own_output(path: Path) -> bool:
    """Whether ``path`` is a file assess wrote (so ``--force`` may replace it)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".xlsx":
            return _xlsx_kind(path) is not None
        with path.open("rb") as fh:
            head = fh.read(1 << 16)
    except OSError:
        return False
    if suffix == ".json":
        return any(sign in head for sign in _OWN_SIGNS)
    if suffix in (".html", ".htm"):
        return b'name=Originator content="assess ' in head
    if suffix == ".doc":
        return _DOC_SIGN in head or b'name=Originator content="assess ' in head
    if suffix == ".docx":
        return _docx_own(path)
    if suffix == ".pdf":
        return _PDF_SIGN in _tail(path)
    return False


# “assess ” in the keywords LibreOffice's PDF export writes (UTF-16BE, hex), from number_pages.
_PDF_SIGN = b"/Keywords<FEFF00610073007300650073007300"


def _tail(path: Path, size: int = 1 << 16) -> bytes:
    try:
        with path.open("rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(0, fh.tell() - size))
            return fh.read()
    except OSError:
        return b""


def _docx_own(path: Path) -> bool:
    """A .docx made from assess's HTML: its core keywords say ``assess <version>``."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("docProps/core.xml")
            return info.file_size < (1 << 20) and b"<cp:keywords>assess " in zf.read(info)
    except (KeyError, zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, RuntimeError):
        return False


def _xlsx_kind(path: Path) -> str | None:
    import zipfile

    from assess.workbook.marker import MEMBER, kind_of

    try:
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if info.filename.lower() == MEMBER and info.file_size < (1 << 20):
                    return kind_of(zf.read(info))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, RuntimeError):
        return None
    return None


def make_folder(folder: Path) -> None:
    """The folder an output goes into is created, as a user naming ``out/排名.html`` expects."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"无法创建输出文件夹“{folder}”:同名的文件已存在") from None
    except OSError as exc:
        raise unusable(folder, exc) from None


def write_json(
    run: Run, text: str | Iterable[str], output: Path | None, outputs: Outputs, *, quiet: bool = False
) -> Run:
    """JSON goes to the screen, or to the one file ``-o`` names (said on stderr unless quiet).

    ``text`` may come in pieces (``json_chunks``): a file is then written piece by piece.
    """
    if output is None:
        run.stdout = text if isinstance(text, str) else "".join(text)
        return run
    target = outputs.write(outputs.file(output, "json"), text)
    run.written.append(target)
    run.messages.extend(outputs.messages)
    if not quiet:
        run.messages.append(f"已写入:{target}")
    return run


def document_target(output: Path | None, fmt: str, outputs: Outputs) -> Path:
    """The one file a document format (html, doc, xlsx) is written to; it needs ``-o``."""
    if output is None:
        raise UsageError(f"{fmt} 格式须用 -o 指定输出文件")
    return outputs.file(output, fmt)


def write_each(targets: list[Path], render: Callable[[int], bytes | str], outputs: Outputs) -> list[Path]:
    """Write every target; for .docx/.pdf without LibreOffice every unit's HTML is still written
    before the one error that names them."""
    from assess.render.office import OfficeError

    kept: list[Path] = []
    for i, target in enumerate(targets):
        try:
            outputs.write(target, render(i))
        except OfficeError as exc:
            if not exc.message.startswith(NO_OFFICE) or len(targets) == 1:
                raise
            kept.append(target.with_suffix(".html"))
    if kept:
        folder = kept[0].parent
        raise OfficeError(f"{NO_OFFICE};已改为写入 {len(kept)} 个 HTML 文件到文件夹:{folder}{OFFICE_HINT}")
    return targets
