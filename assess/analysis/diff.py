"""What changed between two schemes (usually last year's and this year's).

Indicators are matched by id (编码): an id only in the new scheme is 新增, only
in the old one 删除, the same id with another name 更名; an indicator that
keeps its name under a new id is 编码调整.  For matched indicators the points,
targets (including each group's target), the rule and the responsible
department are compared.  Categories, grade lines and quotas, vetoes and the
bonus and penalty caps are compared too.  With data, both schemes score the
same cohort so that each unit's total, rank and grade can be set side by side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from assess.scheme import model as m
from assess.scheme.walk import walk_indicators
from assess.scoring.numbers import fmt

RULE_WORDS = {
    "threshold": "达标计分",
    "linear": "按比例(线性)计分",
    "step": "按档扣分",
    "bands": "分档计分",
    "ratio": "按完成比例计分",
    "rank": "按排名赋分",
    "relative": "按相对值计分",
    "minmax": "极差法",
    "deduct": "扣分制",
    "boolean": "是否计分",
    "direct": "直接采信",
    "bonus": "加分",
}
PARAM_WORDS = {
    "target": "目标值",
    "floor": "不得分值",
    "baseline": "基准值",
    "step": "每档幅度",
    "deduct": "每档扣分",
    "count": "不足一档的处理",
    "inclusive": "是否含目标值",
    "partial": "未达标得分",
    "per_item": "每个问题扣分",
    "cap": "扣分上限",
    "cap_group": "扣分组",
    "expect": "要求",
    "scale": "满分折算",
    "scores": "各名次得分",
    "first": "第 1 名得分",
    "others": "其余得分",
    "within": "比较范围",
    "to": "比较对象",
    "at_average": "平均值得分",
    "base": "基础分",
    "span": "浮动分",
    "bands": "分档",
}
KIND_ORDER = [
    "新增",
    "删除",
    "更名",
    "编码调整",
    "分值",
    "目标值",
    "计分规则",
    "责任单位",
    "所属类别",
    "一级指标",
    "等次",
    "其他",
]


@dataclass
class Change:
    kind: str  # one of KIND_ORDER
    id: str
    name: str
    old: str
    new: str
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "name": self.name,
            "old": self.old,
            "new": self.new,
            "note": self.note,
        }

    def row(self) -> list[str]:
        return [self.kind, self.id, self.name, self.old or "—", self.new or "—", self.note]


@dataclass
class SchemeDiff:
    old: m.Scheme
    new: m.Scheme
    changes: list[Change] = field(default_factory=list)
    units: list[dict[str, Any]] = field(default_factory=list)  # side by side, with data
    notes: list[str] = field(default_factory=list)

    HEADERS: ClassVar[tuple[str, ...]] = ("变化", "编码", "指标", "原方案", "新方案", "说明")
    UNIT_HEADERS: ClassVar[tuple[str, ...]] = (
        "单位",
        "分组",
        "原总分",
        "原名次",
        "原等次",
        "新总分",
        "新名次",
        "新等次",
        "总分变化",
        "名次变化",
    )

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.changes:
            out[c.kind] = out.get(c.kind, 0) + 1
        return {k: out[k] for k in KIND_ORDER if k in out}

    def summary(self) -> str:
        if not self.changes:
            return f"《{self.new.title}》与《{self.old.title}》的指标和计分规则相同。"
        parts = "、".join(f"{k} {v} 处" for k, v in self.counts().items())
        return f"《{self.new.title}》与《{self.old.title}》相比,共有 {len(self.changes)} 处变化:{parts}。"

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": "assess.diff/1",
            "old": {"id": self.old.id, "year": self.old.year, "title": self.old.title},
            "new": {"id": self.new.id, "year": self.new.year, "title": self.new.title},
            "summary": self.summary(),
            "counts": self.counts(),
            "changes": [c.to_dict() for c in self.changes],
            "units": self.units,
            "notes": self.notes,
        }

    def unit_rows(self) -> list[list[str]]:
        rows = []
        for u in self.units:
            rows.append(
                [
                    u["unit"],
                    u.get("group") or "—",
                    _n(u.get("old_total")),
                    _n(u.get("old_rank")),
                    u.get("old_grade") or "—",
                    _n(u.get("new_total")),
                    _n(u.get("new_rank")),
                    u.get("new_grade") or "—",
                    _signed(u.get("total_change")),
                    _rank_change(u.get("old_rank"), u.get("new_rank")),
                ]
            )
        return rows

    def table(self) -> str:
        from tabulate import tabulate

        lines = [self.summary(), ""]
        lines.append(
            tabulate(
                [c.row() for c in self.changes],
                headers=list(self.HEADERS),
                tablefmt="simple",
                disable_numparse=True,
            )
        )
        if self.units:
            lines += ["", f"【同一批数据按两个方案评分】(原:{self.old.id},新:{self.new.id})"]
            lines.append(
                tabulate(
                    self.unit_rows(),
                    headers=list(self.UNIT_HEADERS),
                    tablefmt="simple",
                    disable_numparse=True,
                )
            )
        for note in self.notes:
            lines.append(f"注:{note}")
        return "\n".join(lines) + "\n"


def _n(x: Any) -> str:
    if x is None:
        return "—"
    return f"{x:.2f}" if isinstance(x, float) else str(x)


def _signed(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:+.2f}"


def _rank_change(old: int | None, new: int | None) -> str:
    if old is None or new is None:
        return "—"
    d = old - new
    return f"↑{d}" if d > 0 else f"↓{-d}" if d < 0 else "持平"


def _v(x: Any, unit: str | None = None) -> str:
    if x is None:
        return "无"
    if isinstance(x, bool):
        return "是" if x else "否"
    if isinstance(x, (int, float)):
        return f"{fmt(float(x))}{'%' if unit == '%' else (' ' + unit if unit else '')}"
    return str(x)


def _bands_text(bands: list[dict[str, Any]], unit: str | None) -> str:
    parts = []
    for b in bands:
        lo, hi = b.get("min"), b.get("max")
        score = (
            f"{fmt(b['score'])} 分" if b.get("score") is not None else f"{fmt((b.get('share') or 0) * 100)}%"
        )
        if lo is not None and hi is not None:
            rng = f"{_v(lo, unit)}{'(含)' if b.get('include_min', True) else ''}—{_v(hi, unit)}"
        elif lo is not None:
            rng = f"{'≥' if b.get('include_min', True) else '>'}{_v(lo, unit)}"
        elif hi is not None:
            rng = f"{'≤' if b.get('include_max') else '<'}{_v(hi, unit)}"
        else:
            rng = "任意"
        parts.append(f"{rng} {score}")
    return ";".join(parts)


def _dept(ind: m.Indicator, cat: m.Category) -> str | None:
    return ind.department or cat.department


def _rule_changes(ident: str, name: str, unit: str | None, old: Any, new: Any) -> list[Change]:
    if old is None or new is None:
        if old is new:
            return []
        return [
            Change(
                "计分规则",
                ident,
                name,
                RULE_WORDS.get(getattr(old, "type", ""), "无"),
                RULE_WORDS.get(getattr(new, "type", ""), "无"),
            )
        ]
    if old.type != new.type:
        return [
            Change(
                "计分规则",
                ident,
                name,
                f"{RULE_WORDS[old.type]}({_rule_brief(old, unit)})",
                f"{RULE_WORDS[new.type]}({_rule_brief(new, unit)})",
                "计分方法改变",
            )
        ]
    out: list[Change] = []
    a = old.model_dump(exclude={"by_group"})
    b = new.model_dump(exclude={"by_group"})
    if a.get("target") != b.get("target"):
        out.append(
            Change(
                "目标值",
                ident,
                name,
                _v(a.get("target"), unit),
                _v(b.get("target"), unit),
                _direction(a.get("target"), b.get("target")),
            )
        )
    others = [k for k in sorted(set(a) | set(b)) if k not in ("type", "target") and a.get(k) != b.get(k)]
    if others:
        olds = ";".join(_param(k, a.get(k), unit) for k in others)
        news = ";".join(_param(k, b.get(k), unit) for k in others)
        out.append(
            Change(
                "计分规则", ident, name, olds, news, "、".join(PARAM_WORDS.get(k, k) for k in others) + "调整"
            )
        )
    ga, gb = old.by_group, new.by_group
    for group in sorted(set(ga) | set(gb)):
        ta, tb = (ga.get(group) or {}).get("target"), (gb.get(group) or {}).get("target")
        if ta != tb and (ta is not None or tb is not None):
            out.append(
                Change(
                    "目标值",
                    ident,
                    name,
                    _v(ta if ta is not None else a.get("target"), unit),
                    _v(tb if tb is not None else b.get("target"), unit),
                    f"{group}{_direction(ta, tb)}",
                )
            )
        rest_a = {k: v for k, v in (ga.get(group) or {}).items() if k != "target"}
        rest_b = {k: v for k, v in (gb.get(group) or {}).items() if k != "target"}
        if rest_a != rest_b:
            out.append(
                Change(
                    "计分规则",
                    ident,
                    name,
                    str(rest_a or "无"),
                    str(rest_b or "无"),
                    f"{group}的规则参数调整",
                )
            )
    return out


def _direction(a: Any, b: Any) -> str:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return "提高" if b > a else "降低" if b < a else ""
    return ""


def _param(key: str, value: Any, unit: str | None) -> str:
    word = PARAM_WORDS.get(key, key)
    if key == "bands" and isinstance(value, list):
        return f"{word}:{_bands_text(value, unit)}"
    if key in ("floor", "baseline", "step"):
        return f"{word} {_v(value, unit)}"
    return f"{word} {_v(value)}"


def _rule_brief(rule: Any, unit: str | None) -> str:
    if rule.type == "bands":
        return _bands_text([b.model_dump() for b in rule.bands], unit)
    for key in ("target", "baseline", "per_item"):
        if getattr(rule, key, None) is not None:
            return f"{PARAM_WORDS[key]} {_v(getattr(rule, key), unit)}"
    return ""


def diff_schemes(old: m.Scheme, new: m.Scheme) -> SchemeDiff:
    out = SchemeDiff(old, new)
    ch = out.changes
    a = {ind.id: (ind, cat) for ind, cat, _k in walk_indicators(old)}
    b = {ind.id: (ind, cat) for ind, cat, _k in walk_indicators(new)}
    only_old = [i for i in a if i not in b]
    only_new = [i for i in b if i not in a]
    recoded: dict[str, str] = {}
    for i in only_new:
        match = next(
            (j for j in only_old if a[j][0].name == b[i][0].name and j not in recoded.values()), None
        )
        if match is not None:
            recoded[i] = match
    for i in only_new:
        ind, cat = b[i]
        if i in recoded:
            ch.append(Change("编码调整", i, ind.name, recoded[i], i, f"原编码 {recoded[i]}"))
        else:
            ch.append(
                Change(
                    "新增",
                    i,
                    ind.name,
                    "",
                    f"{fmt(ind.points)} 分",
                    f"{cat.id} {cat.name};{_dept(ind, cat) or '未定责任单位'}",
                )
            )
    for i in only_old:
        if i in recoded.values():
            continue
        ind, cat = a[i]
        ch.append(Change("删除", i, ind.name, f"{fmt(ind.points)} 分", "", f"{cat.id} {cat.name}"))
    for i, (ni, nc) in b.items():
        pair = a.get(i) or (a.get(recoded[i]) if i in recoded else None)
        if pair is None:
            continue
        oi, oc = pair
        if oi.name != ni.name:
            ch.append(Change("更名", i, ni.name, oi.name, ni.name))
        if oi.points != ni.points:
            ch.append(
                Change(
                    "分值",
                    i,
                    ni.name,
                    f"{fmt(oi.points)} 分",
                    f"{fmt(ni.points)} 分",
                    _direction(oi.points, ni.points),
                )
            )
        ch.extend(_rule_changes(i, ni.name, ni.unit, oi.rule, ni.rule))
        if _dept(oi, oc) != _dept(ni, nc):
            ch.append(Change("责任单位", i, ni.name, _dept(oi, oc) or "无", _dept(ni, nc) or "无"))
        if oc.id != nc.id:
            ch.append(Change("所属类别", i, ni.name, f"{oc.id} {oc.name}", f"{nc.id} {nc.name}"))
    _categories(old, new, ch)
    _scheme_level(old, new, ch)
    order = {k: n for n, k in enumerate(KIND_ORDER)}
    ch.sort(key=lambda c: (order.get(c.kind, 99), _id_key(c.id)))
    return out


def _id_key(ident: str) -> tuple[Any, ...]:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in ident.split("."))


def _categories(old: m.Scheme, new: m.Scheme, ch: list[Change]) -> None:
    a = {c.id: c for c in old.categories}
    b = {c.id: c for c in new.categories}
    for cid, c in b.items():
        o = a.get(cid)
        if o is None:
            ch.append(Change("一级指标", cid, c.name, "", f"{fmt(c.points)} 分", "新增一级指标"))
            continue
        if o.name != c.name:
            ch.append(Change("一级指标", cid, c.name, o.name, c.name, "更名"))
        if o.points != c.points:
            ch.append(
                Change("一级指标", cid, c.name, f"{fmt(o.points)} 分", f"{fmt(c.points)} 分", "分值调整")
            )
        if o.weight != c.weight:
            ch.append(Change("一级指标", cid, c.name, _v(o.weight), _v(c.weight), "权重调整"))
        if o.department != c.department:
            ch.append(Change("责任单位", cid, c.name, o.department or "无", c.department or "无", "一级指标"))
    for cid, o in a.items():
        if cid not in b:
            ch.append(Change("一级指标", cid, o.name, f"{fmt(o.points)} 分", "", "删除一级指标"))


def _scheme_level(old: m.Scheme, new: m.Scheme, ch: list[Change]) -> None:
    if old.full_score != new.full_score:
        ch.append(Change("其他", "", "满分", fmt(old.full_score), fmt(new.full_score)))
    ga = {g.name: g for g in old.grades}
    gb = {g.name: g for g in new.grades}
    for name in [*gb, *(n for n in ga if n not in gb)]:
        x, y = ga.get(name), gb.get(name)
        if x is None or y is None:
            ch.append(Change("等次", "", name, "有" if x else "无", "有" if y else "无"))
            continue
        if x.min != y.min:
            ch.append(Change("等次", "", name, f"{fmt(x.min)} 分", f"{fmt(y.min)} 分", "分数线调整"))
        if x.quota != y.quota:
            ch.append(Change("等次", "", name, _quota(x.quota), _quota(y.quota), "名额比例调整"))
    va = {v.id: v for v in old.vetoes}
    vb = {v.id: v for v in new.vetoes}
    for vid in sorted(set(va) | set(vb)):
        x2, y2 = va.get(vid), vb.get(vid)
        if x2 is None or y2 is None:
            v = y2 or x2
            assert v is not None
            ch.append(
                Change(
                    "其他",
                    vid,
                    f"一票否决:{v.name}",
                    "无" if x2 is None else v.when,
                    "无" if y2 is None else v.when,
                    "新增否决事项" if x2 is None else "取消否决事项",
                )
            )
        elif (x2.when, x2.effect, x2.grade) != (y2.when, y2.effect, y2.grade):
            ch.append(
                Change(
                    "其他", vid, f"一票否决:{y2.name}", f"{x2.when}({x2.effect})", f"{y2.when}({y2.effect})"
                )
            )
    for label, xa, ya in (
        ("加分合计上限", old.bonus.cap if old.bonus else None, new.bonus.cap if new.bonus else None),
        (
            "扣分合计上限",
            old.penalties.cap if old.penalties else None,
            new.penalties.cap if new.penalties else None,
        ),
    ):
        if xa != ya:
            ch.append(
                Change(
                    "其他",
                    "",
                    label,
                    "不限" if xa is None else f"{fmt(xa)} 分",
                    "不限" if ya is None else f"{fmt(ya)} 分",
                    _direction(xa, ya),
                )
            )


def _quota(q: float | None) -> str:
    return "不限" if q is None else f"{fmt(q * 100)}%"


def side_by_side(old_results: list[Any], new_results: list[Any]) -> list[dict[str, Any]]:
    """Each unit's total, rank and grade under both schemes (results already ranked)."""
    a = {r.unit: r for r in old_results}
    b = {r.unit: r for r in new_results}
    rows = []
    for name in sorted(
        set(a) | set(b), key=lambda n: ((b.get(n) or a[n]).group or "", (b.get(n) or a[n]).rank or 0, n)
    ):
        x, y = a.get(name), b.get(name)
        either = y if y is not None else x
        rows.append(
            {
                "unit": name,
                "group": either.group_name if either is not None else None,
                "old_total": x.total if x else None,
                "old_rank": x.rank if x else None,
                "old_grade": x.grade if x else None,
                "new_total": y.total if y else None,
                "new_rank": y.rank if y else None,
                "new_grade": y.grade if y else None,
                "total_change": round(y.total - x.total, 6) if x and y else None,
            }
        )
    return rows
