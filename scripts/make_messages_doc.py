"""Write docs/messages.md (every error and finding code) from assess/codes.py.

Run after adding or changing a code in assess/codes.py:

    python scripts/make_messages_doc.py

tests/test_codes.py fails while the committed file is stale.  ``--check``
only compares, and exits with 1 when the file is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assess.codes import AREAS, KINDS, REGISTRY, Code  # noqa: E402 - after the path set-up

TARGET = ROOT / "docs" / "messages.md"

HEAD = """\
# 信息代码一览

<!-- 本文件由 scripts/make_messages_doc.py 根据 assess/codes.py 生成,请勿手工修改。 -->

`assess` 给出的每条错误和问题都有一个代码。代码写在 JSON 输出的 `code` 中
(如 `assess check --format json` 的 `findings[].code`、`assess score` 结果中每个单位的 `findings`),
便于筛选和统计;屏幕上显示的是中文说明,并指出文件、工作表、单元格或方案中的行和列。
本文列出全部代码、含义、示例和处理办法。

代码分三类:

- **错误**:命令无法继续,退出码为 2,不写出任何结果。`assess check` 也把它列入问题清单。
- **问题**:列入问题清单。级别为“错误”的使 `check` 以退出码 1 结束,`score`、`rank` 照常输出结果,
  问题写在结果的 `findings` 中;同一代码在较轻的情形下也可能以“提醒”出现(见各条说明)。
- **提醒**:只供核实,不影响退出码。

退出码的完整说明见 [安全](security.md),数据读取规则见 [数据工作簿](workbooks.md),
方案的写法见 [方案格式](scheme.md),整改台账见 [整改台账](rectify.md)。
"""

SECTIONS = {
    "error": "## 错误(命令停止,退出码 2)",
    "finding": "## 问题",
    "warning": "## 提醒",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _row(c: Code) -> str:
    cells = (f"`{c.code}`", c.area, c.title, c.meaning, c.example, c.fix)
    return "| " + " | ".join(_cell(x) for x in cells) + " |"


def render() -> str:
    lines = [HEAD]
    for kind in KINDS:
        entries = sorted((c for c in REGISTRY if c.kind == kind), key=lambda c: (AREAS.index(c.area), c.code))
        if not entries:
            continue
        lines += [
            SECTIONS[kind],
            "",
            f"共 {len(entries)} 个。",
            "",
            "| 代码 | 出现在 | 名称 | 含义 | 示例 | 怎么办 |",
            "| --- | --- | --- | --- | --- | --- |",
            *map(_row, entries),
            "",
        ]
    lines += [
        "## 新增代码",
        "",
        '开发者新增一个代码时:在调用处直接写代码字符串(如 `Finding("new-code", ...)`),'
        "在 `assess/codes.py` 中添加一条 `Code(...)`,再运行 `python scripts/make_messages_doc.py`"
        "重新生成本文。`tests/test_codes.py` 会检查源代码中用到的每个代码都有说明、"
        "每条说明都仍在使用、本文与 `assess/codes.py` 一致。",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET.relative_to(ROOT)} 已过期,请运行 python scripts/make_messages_doc.py")
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8", newline="\n")
    print(f"已写入 {TARGET.relative_to(ROOT)}(共 {len(REGISTRY)} 个代码)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
