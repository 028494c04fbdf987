"""``assess template``: a fill-in workbook for one county or for a summary of many units, and one
per data source of the scheme (a department's table, a findings list, each rater's sheet)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from assess.commands.common import load_plan
from assess.errors import UsageError

if TYPE_CHECKING:
    from assess.scheme.plan import Plan
    from assess.sources.spec import SourceSpec


def read_unit_list(path: Path) -> list[tuple[str, str | None]]:
    """Names (and groups) from a unit list: first column the name, a 分组 column optional."""
    from assess.workbook.names import name_key
    from assess.workbook.read import open_book

    book = open_book(path)
    rows = book.rows(book.sheet_names[0])
    out: list[tuple[str, str | None]] = []
    group_col: int | None = None
    for i, row in enumerate(rows):
        cells = ["" if c is None else str(c).strip() for c in row]
        if not cells or not cells[0]:
            continue
        if i == 0 and name_key(cells[0]) in {
            name_key(k) for k in ("单位名称", "单位", "县市区", "名称", "乡镇", "村")
        }:
            keys = [name_key(c) for c in cells]
            group_col = next((j for j, k in enumerate(keys) if k in ("分组", "考核分组", "组别")), None)
            continue
        group = (
            cells[group_col]
            if group_col is not None and group_col < len(cells) and cells[group_col]
            else None
        )
        out.append((cells[0], group))
    if not out:
        raise UsageError(f"单位清单“{path}”中没有单位名称(第一列)")
    return out


@dataclass
class Made:
    """What ``assess template`` wrote, and what it says about it on stderr."""

    written: list[tuple[Path, str]] = field(default_factory=list)  # (file, what it is)
    messages: list[str] = field(default_factory=list)  # earlier files kept as backups
    notes: list[str] = field(default_factory=list)  # the sources the unit's template leaves out


def run_template(
    scheme: str,
    output: Path,
    layout: str,
    units_file: Path | None,
    unit: str | None,
    force: bool,
    source: str | None = None,
) -> Made:
    """The unit's template (``source`` None), or the templates of one source or of ``all``.

    ``output`` is a file for one template, a folder for several (``all``, a
    ratings source with several raters), named ``来源编号_来源名称[_评分方].xlsx``.
    """
    from assess.commands.common import guard

    plan = load_plan(scheme)
    outputs = guard(plan, force, 单位清单=[units_file])
    units = read_unit_list(units_file) if units_file else []
    made = Made(messages=outputs.messages)
    if source is None:
        _xlsx(output)
        if plan.sources and not plan.own_read.inputs:
            raise UsageError(
                "方案中的每项数据都由其他来源提供,没有单位自己填报的数据;"
                f"请用 --source 生成各来源的模板(方案中的来源:{_known(plan)})"
            )
        outputs.file(output, "xlsx")
        written = outputs.write(output, _unit_template(plan, layout, units, unit))
        made.written.append((written, "填报模板"))
        made.notes = others_note(plan, scheme, _group_of(plan, units, unit) if layout == "county" else None)
        return made
    items = _items(plan, _chosen(plan, source), layout, units, unit)
    if output.suffix.lower() == ".xlsx":
        if len(items) > 1:
            raise UsageError(f"{_several(source, items)},-o 应为文件夹(每个模板一个文件)")
        targets = [outputs.file(output, "xlsx")]
    else:
        if output.suffix and not output.is_dir():
            raise UsageError(f"-o “{output}”应为模板文件(.xlsx)或文件夹")
        targets = outputs.folder(output, [stem for stem, _what, _data in items], "xlsx")
    for target, (_stem, what, data) in zip(targets, items, strict=True):
        made.written.append((outputs.write(target, data), what))
    return made


Item = tuple[str, str, bytes]  # (file name without .xlsx, what it is, its bytes)


def _chosen(plan: Plan, source: str) -> list[SourceSpec]:
    from assess.sources.locate import find_source

    if not plan.sources:
        raise UsageError("方案没有写数据来源(sources),不能用 --source;不写 --source 即生成单位的填报模板")
    from assess.sources.spec import LEDGER

    if source.strip().lower() == "all":
        return [s for s in plan.sources if s.kind != LEDGER]  # a ledger is made by rectify, not filled in
    spec = find_source(source.strip(), plan.sources)
    if spec is None:
        raise UsageError(
            f"--source “{source}”不在方案的数据来源中(方案中的来源:{_known(plan)});"
            "写来源的编号或名称,或写 all 生成全部来源的模板"
        )
    if spec.kind == LEDGER:
        raise UsageError(
            f"来源“{spec.id}”是整改台账,由 assess rectify 生成和更新,没有填报模板;"
            "新建台账:assess rectify -s 方案 评分结果.json -o 文件夹"
        )
    return [spec]


def _items(
    plan: Plan, chosen: list[SourceSpec], layout: str, units: list[tuple[str, str | None]], unit: str | None
) -> list[Item]:
    from assess.sources.spec import RATINGS, UNIT
    from assess.workbook.source_template import source_template

    if unit and all(s.kind != UNIT for s in chosen):
        raise UsageError(f"--unit 只用于单位的填报模板;来源“{chosen[0].id}”的模板每行一个单位")
    rows = units or scheme_units(plan)
    out: list[Item] = []
    for spec in chosen:
        stem = spec.id if spec.name == spec.id else f"{spec.id}_{spec.name}"
        named = f"来源“{spec.id}”{spec.title}的"
        if spec.kind == UNIT:  # a unit list gives the rows of the others: one county is prefilled
            own = units if layout == "summary" or len(units) <= 1 else []
            out.append((stem, f"{named}填报模板", _unit_template(plan, layout, own, unit)))
        elif spec.kind == RATINGS and spec.raters:
            for rater in spec.raters:
                what = f"{named}评分表模板(评分方:{rater.name})"
                out.append((f"{stem}_{rater.name}", what, source_template(plan, spec, rows, rater)))
        else:
            what = named + {"findings": "问题清单模板", "ratings": "评分表模板"}.get(spec.kind, "填报模板")
            out.append((stem, what, source_template(plan, spec, rows)))
    return out


def _several(source: str, items: list[Item]) -> str:
    if source.strip().lower() == "all":
        return f"--source all 为每个来源各生成一个模板(共 {len(items)} 个)"
    return f"来源“{source.strip()}”有 {len(items)} 个评分方,每个评分方一个模板"


def _xlsx(output: Path) -> None:
    if output.suffix.lower() != ".xlsx":
        raise UsageError(f"模板文件“{output}”的扩展名应为 .xlsx")


def _known(plan: Plan) -> str:
    return "、".join(s.id for s in plan.sources)


def scheme_units(plan: Plan) -> list[tuple[str, str | None]]:
    """The scheme's unit list with each unit's group as shown (its name)."""
    groups = plan.group_names
    return [(u.name, groups.get(plan.group_ids.get(u.group or "", ""), u.group)) for u in plan.scheme.units]


def _group_of(plan: Plan, units: list[tuple[str, str | None]], unit: str | None) -> str | None:
    """The group (as named) of the one unit a county template is made for."""
    name, group = units[0] if units else (unit, None)
    if name and group is None and name in plan.unit_groups:
        group = plan.group_names.get(plan.unit_groups[name])
    return group


def _unit_template(plan: Plan, layout: str, units: list[tuple[str, str | None]], unit: str | None) -> bytes:
    from assess.levels import mixed, words
    from assess.workbook.template import county_template, summary_template

    if layout == "summary":
        return summary_template(plan, units or scheme_units(plan))
    if len(units) > 1:
        one = "单位" if mixed(plan) else words(plan.scheme.level).unit  # 一县一表, 一乡镇一表
        raise UsageError(f"一{one}一表的模板只能预填一个单位;多个单位请用 --layout summary,或逐个生成")
    name = units[0][0] if units else unit
    return county_template(plan, name, _group_of(plan, units, unit))


def others_note(plan: Plan, scheme: str, group: str | None = None) -> list[str]:
    """The stderr lines saying what the unit's template leaves out, and how to make the rest;
    ``group``: the unit's group, whose template asks only for its own set (分类考核)."""
    from assess.sources.spec import KIND_WORDS, UNIT

    others = [s for s in plan.sources if s.kind != UNIT]
    if not others:
        return []
    skip = plan.read.optional.get(group or "", frozenset())
    asked = sum(1 for s in plan.own_read.inputs if s.key not in skip)
    lines = [f"此模板只含单位自己填报的 {asked} 项;以下数据由方案中的其他来源提供,不在此模板中:"]
    for s in others:
        names = [f.name for f in s.read.inputs]
        shown = "、".join(names[:5]) + (f" 等 {len(names)} 项" if len(names) > 5 else "")
        lines.append(f"  {s.id}({KIND_WORDS[s.kind]}){s.title}:{shown}")
    quoted = f'"{scheme}"' if any(c.isspace() for c in scheme) else scheme
    first = next((s.id for s in others if s.kind != "ledger"), None)
    if first is None:
        return lines
    lines.append(
        f"生成这些来源的模板:assess template -s {quoted} --source {first} -o {first}.xlsx;"
        "全部来源:--source all -o 文件夹"
    )
    return lines
