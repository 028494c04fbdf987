"""Resolve ``--scheme`` (a path or a bundled scheme's id) and list bundled schemes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from assess.errors import UsageError
from assess.resources import bundled_dir
from assess.workbook.names import shown


@dataclass(frozen=True)
class SchemeInfo:
    id: str
    title: str
    year: int | None
    path: Path


def bundled_schemes() -> list[SchemeInfo]:
    """Bundled schemes with id, title and year, read cheaply without validation."""
    out: list[SchemeInfo] = []
    folder = bundled_dir("indicators")
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError, UnicodeDecodeError):
            continue
        if isinstance(data, dict):
            year = data.get("year")
            out.append(
                SchemeInfo(
                    str(data.get("id", path.stem)),
                    str(data.get("title", "")),
                    year if isinstance(year, int) else None,
                    path,
                )
            )
    return out


def resolve_scheme(spec: str) -> Path:
    """A path that exists, or the id (or file stem) of a bundled scheme."""
    path = Path(spec)
    if path.is_file():
        return path
    if path.is_dir():
        raise UsageError(f"方案“{shown(spec, 80)}”是一个文件夹;请写方案 YAML 文件的路径,或内置方案的编号")
    if path.exists():  # a pipe or a device: reading it would block or never end
        raise UsageError(f"方案“{shown(spec, 80)}”不是普通文件(可能是管道或设备);请写方案 YAML 文件的路径")
    for info in bundled_schemes():
        if spec in (info.id, info.path.stem):
            return info.path
    if path.suffix.lower() in (".yaml", ".yml") or path.parent != Path("."):
        raise UsageError(f"找不到方案文件“{shown(spec, 80)}”")
    known = "、".join(i.id for i in bundled_schemes()) or "无"
    raise UsageError(f"“{shown(spec, 80)}”既不是方案文件,也不是内置方案的编号(内置方案:{known})")
