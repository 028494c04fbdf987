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


def value_text(x: Any, unit: str | None = None) -> str:
    if x is None:
        return "无"
    if isinstance(x, bool):
        return "是" if x else "否"
    if isinstance(x, (int, float)):
        return f"{fmt(float(x))}{'%' if unit == '%' else (' ' + unit if unit else '')}"
    return str(x)


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
    return ""


def param_text(key: str, value: Any, unit: str | None) -> str:
    word = PARAM_WORDS.get(key, key)
    if key == "bands" and isinstance(value, list):
        return f"{word}:{bands_text(value, unit)}"
    if key in ("floor", "baseline", "step"):
        return f"{word} {value_text(value, unit)}"
    return f"{word} {value_text(value)}"


def rule_brief(rule: Any, unit: str | None) -> str:
    if rule.type == "bands":
        return bands_text([b.model_dump() for b in rule.bands], unit)
    for key in ("target", "baseline", "per_item"):
        if getattr(rule, key, None) is not None:
            return f"{PARAM_WORDS[key]} {value_text(getattr(rule, key), unit)}"
    return ""


def quota_text(q: float | None) -> str:
    return "不限" if q is None else f"{fmt(q * 100)}%"
