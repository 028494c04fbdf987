"""Where a command's output goes: stdout, one file, or one file per unit in a folder.

Nothing the user did not name is overwritten silently: an existing file is
only replaced with ``--force`` (or when the user named that very file, for
single-file outputs the user typed explicitly, ``-o`` counts as naming it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from assess.commands.run import Run
from assess.errors import UsageError

SUFFIX = {"json": ".json", "html": ".html", "doc": ".doc", "xlsx": ".xlsx"}


def single_target(output: Path, fmt: str) -> Path:
    """``-o`` names a file; a folder gets a default name inside it."""
    if output.is_dir():
        raise UsageError(f"“{output}”是文件夹;单个{fmt}输出请用 -o 指定文件名")
    if output.suffix.lower() != SUFFIX[fmt] and not (fmt == "html" and output.suffix.lower() == ".htm"):
        raise UsageError(f"输出文件“{output}”的扩展名应为 {SUFFIX[fmt]}")
    _make_folder(output.parent)
    return output


def write_json(run: Run, text: str | Iterable[str], output: Path | None, *, quiet: bool = False) -> Run:
    """JSON goes to the screen, or to the one file ``-o`` names (said on stderr unless quiet).

    ``text`` may come in pieces (``json_chunks``): a file is then written piece by piece.
    """
    if output is None:
        run.stdout = text if isinstance(text, str) else "".join(text)
    else:
        from assess.render.atomic import write_atomic

        target = write_atomic(single_target(output, "json"), text)
        run.written.append(target)
        if not quiet:
            run.messages.append(f"已写入:{target}")
    return run


def document_target(output: Path | None, fmt: str) -> Path:
    """The one file a document format (html, doc, xlsx) is written to; it needs ``-o``."""
    if output is None:
        raise UsageError(f"{fmt} 格式须用 -o 指定输出文件")
    return single_target(output, fmt)


def _make_folder(folder: Path) -> None:
    """The folder an output goes into is created, as a user naming ``out/排名.html`` expects."""
    from assess.errors import OutputError

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"无法创建输出文件夹“{folder}”:{exc.strerror or exc}") from None


def per_unit_targets(output: Path, names: list[str], fmt: str, force: bool) -> list[Path]:
    """One safe, unique file name per unit inside the folder ``output``."""
    from assess.render.atomic import safe_filename

    if output.exists() and not output.is_dir():
        raise UsageError(f"多个单位的 {fmt} 输出须写入文件夹,但“{output}”是文件")
    _make_folder(output)
    taken: set[str] = set()
    targets: list[Path] = []
    for name in names:
        stem = safe_filename(name, taken)
        target = output / f"{stem}{SUFFIX[fmt]}"
        if target.exists() and not force:
            raise UsageError(f"输出文件“{target}”已存在;如需覆盖请加 --force")
        targets.append(target)
    return targets


def write_each(targets: list[Path], render: Callable[[int], bytes | str]) -> list[Path]:
    from assess.render.atomic import write_atomic

    for i, target in enumerate(targets):
        write_atomic(target, render(i))
    return targets
