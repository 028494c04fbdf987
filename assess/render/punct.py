"""Full-width punctuation for Chinese text in documents.

Scores, bases and messages are written with ASCII ``, : ; ( )`` (they are
also printed in terminals and pinned by tests); an official document needs
the full-width forms wherever the text around them is Chinese.  Numbers keep
theirs: ``1,234``, ``09:30`` and ``(1)`` between digits are left alone.
"""

from __future__ import annotations

_SIMPLE = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}


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
        if ch in _SIMPLE:
            digits = prev.isdigit() and nxt.isdigit()
            if not digits and (_cjk(prev) or _cjk(nxt) or (out and _cjk(out[-1]))):
                out.append(_SIMPLE[ch])
                continue
        elif ch == "(":
            wide = _cjk(prev) or _cjk(nxt)
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
