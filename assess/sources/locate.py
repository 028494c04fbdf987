"""Which files belong to which source: ``--data 源=路径`` or a folder named after the source.

An office keeps a round's files together: the units' workbooks in one folder,
each other source in a folder named by its id or name (``财政/``, ``第三方/``,
``督查/``), either inside the units' folder or beside it.  So
``assess rank -s 方案 本年度/县级填报`` finds them all, and ``--data`` names a
source's files anywhere else.  Each folder found this way is said in a note;
a source found neither way is one finding, never guessed further.
"""

from __future__ import annotations

from pathlib import Path

from assess.errors import UsageError
from assess.sources.spec import UNIT, SourceSpec
from assess.workbook.names import key_of


def parse_data(values: tuple[str, ...] | list[str], sources: tuple[SourceSpec, ...]) -> dict[str, list[Path]]:
    """``--data 源=路径`` options → source id → paths, the source named by its id, name or alias."""
    out: dict[str, list[Path]] = {}
    if values and not sources:
        raise UsageError("方案没有写数据来源(sources),不能用 --data;填报文件直接写在命令后面")
    for text in values:
        name, sep, path = text.partition("=")
        if not sep or not name.strip() or not path.strip():
            raise UsageError(
                f"--data “{text}”的写法不对,应为 --data 来源=文件或文件夹,如 --data 财政=支付进度.xlsx"
            )
        spec = find_source(name.strip(), sources)
        if spec is None:
            known = "、".join(s.id for s in sources)
            raise UsageError(f"--data 中的来源“{name.strip()}”不在方案的数据来源中(方案中的来源:{known})")
        out.setdefault(spec.id, []).append(Path(path.strip()))
    return out


def find_source(name: str, sources: tuple[SourceSpec, ...]) -> SourceSpec | None:
    wanted = key_of(name)
    for spec in sources:
        if any(key_of(n) == wanted for n in spec.names):
            return spec
    return None


def subfolders(
    positional: list[Path], sources: tuple[SourceSpec, ...], given: dict[str, list[Path]]
) -> dict[str, list[Path]]:
    """Sources not named with ``--data``, found as subfolders beside the units' workbooks."""
    found: dict[str, list[Path]] = {}
    roots: list[Path] = []
    for p in positional:
        root = p if p.is_dir() else p.parent
        for place in (root, root.parent):  # inside the units' folder, then beside it
            if place.resolve() not in {r.resolve() for r in roots}:
                roots.append(place)
    for spec in sources:
        if spec.kind == UNIT or spec.id in given:
            continue
        names = {key_of(n) for n in spec.names}
        for root in roots:
            try:
                children = sorted(c for c in root.iterdir() if c.is_dir())
            except OSError:
                continue
            for child in children:
                if key_of(child.name) in names:
                    found.setdefault(spec.id, []).append(child)
            if spec.id in found:
                break  # the nearest folder wins: a round's own 财政/ before one a level up
    return found
