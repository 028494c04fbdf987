"""How a rule and its parameters read in Chinese, for the list of changes between two schemes."""

from __future__ import annotations

from typing import Any

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
    "base": "基本分加减计分",
    "ladder": "按等次比例计分",
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
    "above": "每优于目标一档加分",
    "below": "每差于目标一档扣分",
    "per": "加减分的幅度",
    "max": "最高得分",
    "min": "最低得分",
    "levels": "等次及得分比例",
}


def value_text(x: Any, unit: str | None = None) -> str:
    if x is None:
        return "无"
    if isinstance(x, bool):
        return "是" if x else "否"
    if isinstance(x, (int, float)):
        return f"{fmt(float(x))}{'%' if unit == '%' else (' ' + unit if unit else '')}"
    return str(x)


def line_text(x: Any, unit: str | None = None) -> str:
    """A target, floor or baseline: a number, or the field each unit's own value is read from."""
    if isinstance(x, str):
        return f"按本单位目标(取自字段“{x}”)"
    return value_text(x, unit)


def bands_text(bands: list[dict[str, Any]], unit: str | None) -> str:
    parts = []
    for b in bands:
        lo, hi = b.get("min"), b.get("max")
        score = (
            f"{fmt(b['score'])} 分" if b.get("score") is not None else f"{fmt((b.get('share') or 0) * 100)}%"
        )
        if lo is not None and hi is not None:
            rng = (
                f"{value_text(lo, unit)}{'(含)' if b.get('include_min', True) else ''}—{value_text(hi, unit)}"
            )
        elif lo is not None:
            rng = f"{'≥' if b.get('include_min', True) else '>'}{value_text(lo, unit)}"
        elif hi is not None:
            rng = f"{'≤' if b.get('include_max') else '<'}{value_text(hi, unit)}"
        else:
            rng = "任意"
        parts.append(f"{rng} {score}")
    return ";".join(parts)


def direction(a: Any, b: Any) -> str:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return "提高" if b > a else "降低" if b < a else ""
    if isinstance(b, str) and not isinstance(a, str):
        return "改为按本单位目标计分"
    if isinstance(a, str) and not isinstance(b, str) and b is not None:
        return "改为统一目标值"
    return ""


def levels_text(levels: dict[str, float]) -> str:
    """A ladder's words with their shares: 已完成 100%、基本完成 60%、未完成 0%."""
    return "、".join(f"{word} {fmt(share * 100)}%" for word, share in levels.items())


def override_text(items: list[Any]) -> str:
    """An indicator's overrides (得分调整): 发生重大舆情(重大舆情 == 1)计 0 分;……"""
    if not items:
        return "无"
    out = []
    for o in items:
        got = f"{fmt(o.score)} 分" if o.score is not None else f"分值的 {fmt(o.share * 100)}%"
        out.append(f"{o.reason}({o.when})计 {got}")
    return ";".join(out)


def param_text(key: str, value: Any, unit: str | None) -> str:
    word = PARAM_WORDS.get(key, key)
    if key == "bands" and isinstance(value, list):
        return f"{word}:{bands_text(value, unit)}"
    if key == "levels" and isinstance(value, dict):
        return f"{word}:{levels_text(value)}"
    if key == "per":
        return f"{word} {value_text(value, '个百分点' if unit == '%' else unit)}"
    if key in ("max", "min", "above", "below"):
        return f"{word} {'分值' if value is None else value_text(value, '分')}"
    if key in ("floor", "baseline", "target"):
        return f"{word} {line_text(value, unit)}"
    if key == "step":
        return f"{word} {value_text(value, unit)}"
    return f"{word} {value_text(value)}"


def rule_brief(rule: Any, unit: str | None) -> str:
    if rule.type == "bands":
        return bands_text([b.model_dump() for b in rule.bands], unit)
    if rule.type == "ladder":
        return levels_text(rule.levels)
    if rule.type == "base":
        per = value_text(rule.per, "个百分点" if unit == "%" else unit)
        per += " " if per[-1].isdigit() else ""
        parts = [f"{PARAM_WORDS['target']} {line_text(rule.target, unit)}", f"基本分 {fmt(rule.base)} 分"]
        if rule.above:
            parts.append(f"每优于 {per}加 {fmt(rule.above)} 分")
        if rule.below:
            parts.append(f"每差于 {per}扣 {fmt(rule.below)} 分")
        return ",".join(parts)
    for key in ("target", "baseline", "per_item"):
        if getattr(rule, key, None) is not None:
            return f"{PARAM_WORDS[key]} {line_text(getattr(rule, key), unit)}"
    return ""


def quota_text(q: float | None) -> str:
    return "不限" if q is None else f"{fmt(q * 100)}%"
