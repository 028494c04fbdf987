"""Full-width punctuation for Chinese text in documents.

Scores, bases and messages are written with ASCII ``, : ; ( )`` (they are
also printed in terminals and pinned by tests); an official document needs
the full-width forms wherever the text around them is Chinese.  Numbers keep
theirs: ``1,234``, ``09:30`` and ``(1)`` between digits are left alone.

The same texts put a space between Chinese and a number (``对 14 个单位``, easier to
read in a terminal); GB/T 9704 documents set them close (``对14个单位``), so
``zh_spacing`` drops those spaces in documents.  A number after Latin text keeps its
space (``assess 0.1.0``, ``SHA-256 …``).
"""

from __future__ import annotations

import re

_SIMPLE = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_CELL = re.compile(r"\$?[A-Z]{1,3}\$?\d")


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or ch in "“”‘’《》、。，；：（）"


def zh_punct(text: str) -> str:
    """``浏阳市(示范创建县)按…评分,总分`` → ``浏阳市（示范创建县）按…评分，总分``."""
    if not text or text.isascii():
        return text
    out: list[str] = []
    opened: list[bool] = []  # whether each open bracket was made full-width
    n = len(text)
    for i, ch in enumerate(text):
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < n else ""
        if ch == "!" and _CELL.match(text, i + 1):
            out.append(ch)  # a cell reference (指标数据!D6) keeps Excel's own notation
            continue
        if ch in _SIMPLE:
            digits = prev.isdigit() and nxt.isdigit()
            if not digits and (_cjk(prev) or _cjk(nxt) or (out and _cjk(out[-1]))):
                out.append(_SIMPLE[ch])
                continue
        elif ch == "(":
            wide = _cjk(prev) or _cjk(nxt) or _cjk_inside(text, i)
            opened.append(wide)
            if wide:
                out.append("（")
                continue
        elif ch == ")":
            wide = opened.pop() if opened else _cjk(prev)
            if wide or _cjk(prev):
                out.append("）")
                continue
        out.append(ch)
    return "".join(out)


def _cjk_inside(text: str, start: int) -> bool:
    """Whether the brackets opening at ``start`` hold Chinese: ``0%(0 分)`` is a Chinese
    bracket as much as ``得分(满分)``, so that both halves turn full-width together."""
    depth = 0
    for ch in text[start:]:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if not depth:
                return False
        elif _cjk(ch):
            return True
    return False


_HAN = "\u4e00-\u9fff\u3000-\u303f“”‘’《》、。，；：（）"
_NUMBER = r"[-+]?\d[\d,]*(?:\.\d+)?%?"
_HAN_SPACE_HAN = re.compile(rf"(?<=[{_HAN}]) +(?=[{_HAN}])")  # 实际值 6 次 在“≥ 4 次”档 → 6次在
_HAN_SPACE_NUMBER = re.compile(rf"(?<=[{_HAN}]) +(?=[-+]?\d)")
# The number may follow Chinese, the start, or a space or ~ after another number
# (``低于基准 100% 0.5 个百分点`` → ``低于基准100% 0.5个百分点``, ``0~100% 之间`` → ``0~100%之间``).
_NUMBER_SPACE_HAN = re.compile(rf"(?:(?<=[{_HAN} ~×÷=])|^)({_NUMBER}) +(?=[{_HAN}])")


def zh_spacing(text: str) -> str:
    """``对 14 个单位,得 4 分`` → ``对14个单位,得4分``: no space between Chinese and a number,
    nor between two Chinese characters."""
    if not text or text.isascii() or " " not in text:
        return text
    text = _HAN_SPACE_NUMBER.sub("", text)
    text = _HAN_SPACE_HAN.sub("", text)
    return _NUMBER_SPACE_HAN.sub(r"\1", text)
