"""The bundled example round: ``examples/counties`` and, beside it, a folder per other data source.

The scheme ``county-2024`` reads the counties' own workbooks and five other
sources (财政/, 统计/, 第三方/, 目标/, 督查/), each found in a folder named after
it beside the workbooks.  A test that copies the counties elsewhere copies
the source folders with them, or the copy scores with those sources absent.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
COUNTIES = EXAMPLES / "counties"
SOURCES = ("财政", "统计", "第三方", "目标", "督查")  # the folders of county-2024's other sources
# The two deliberately blank cells of the sample (永顺县 1.4, 泸溪县 2.5): real data problems,
# so `score` and `rank` on the sample exit 1 and name them.
BLANK_CELLS = (("永顺县", "指标数据!D14"), ("泸溪县", "指标数据!D20"))


def copy_sources(target: Path) -> Path:
    """Copy every other source's folder into ``target`` (beside the counties' folder there)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in SOURCES:
        shutil.copytree(EXAMPLES / name, target / name, dirs_exist_ok=True)
    return target


def copy_round(target: Path, name: str = "counties", units: Iterable[str] | None = None) -> Path:
    """The counties' workbooks (all, or the named units) in ``target/name``, the sources beside them.

    Returns the counties' folder.
    """
    folder = target / name
    if units is None:
        shutil.copytree(COUNTIES, folder)
    else:
        folder.mkdir(parents=True, exist_ok=True)
        wanted = set(units)
        for path in COUNTIES.iterdir():
            if path.stem in wanted:
                shutil.copy(path, folder / path.name)
    copy_sources(target)
    return folder


def located(paths: Iterable[Path], scheme: str = "county-2024") -> dict[str, list[Path]]:
    """Each source's files for data read from ``paths``, as the commands find them."""
    from assess.commands.common import load_plan, locate

    return locate(load_plan(scheme), list(paths))
