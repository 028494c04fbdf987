"""Files that are not schemes, unsafe YAML, and sizes: refused quickly, in Chinese."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from assess.errors import SchemeError
from assess.scheme import load as L
from assess.scheme.load import load_scheme
from tests.scheme.support import error_lines, messages, write

MINIMAL = """\
id: t
title: 测试
year: 2024
full_score: 10
categories:
  - id: "1"
    name: 巩固拓展脱贫攻坚成果
    points: 10
    indicators:
      - {id: "1.1", name: 监测对象风险消除率, points: 10, rule: {type: threshold, target: 70}}
"""


def _error(path: Path) -> list[str]:
    with pytest.raises(SchemeError) as info:
        load_scheme(path)
    return [line.replace(str(path), "FILE") for line in error_lines(info.value)]


def test_minimal_scheme_loads(tmp_path: Path) -> None:
    loaded = load_scheme(write(tmp_path, MINIMAL))
    assert loaded.scheme.categories[0].indicators[0].rule.type == "threshold"
    assert loaded.location(("categories", 0, "indicators", 0)).line == 10
    assert len(loaded.sha256) == 64


def test_gbk_file_is_recognised(tmp_path: Path) -> None:
    # A scheme saved by Notepad on a Chinese Windows (GBK, not UTF-8).
    path = write(tmp_path, MINIMAL.encode("gbk"))
    assert _error(path) == [
        ": 方案文件“FILE”是 GBK/GB18030 编码,不是 UTF-8;请用记事本或编辑器另存为 UTF-8 后重试"
    ]


def test_utf8_with_bom_is_fine(tmp_path: Path) -> None:
    load_scheme(write(tmp_path, b"\xef\xbb\xbf" + MINIMAL.encode("utf-8")))


def test_utf16_file_is_recognised(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL.encode("utf-16"))
    assert _error(path) == [": 方案文件“FILE”是 UTF-16 编码;请用编辑器另存为 UTF-8 后重试"]


def test_workbook_given_as_scheme(tmp_path: Path) -> None:
    path = write(tmp_path, b"PK\x03\x04" + b"\x00" * 100, "考核.xlsx")
    assert _error(path) == [": “FILE”是 Excel 工作簿或压缩包,不是 YAML 方案文件"]


def test_binary_file(tmp_path: Path) -> None:
    path = write(tmp_path, b"id: t\n\x00\x01\x02")
    assert _error(path) == [": “FILE”是二进制文件,不是 YAML 方案文件"]


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert _error(tmp_path / "无.yaml") == [": 找不到方案文件“FILE”"]
    assert _error(tmp_path) == [": “FILE”是文件夹,不是方案文件"]


def test_oversized_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(L, "MAX_BYTES", 1024 * 1024)
    path = write(tmp_path, MINIMAL + "#" * (1024 * 1024))
    assert _error(path) == [": 方案文件“FILE”大于 1 MB,拒绝读取"]


def test_billion_laughs_refused_quickly(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["哈哈哈哈哈哈哈哈哈"]']
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    lines.append("title: *a9")
    start = time.perf_counter()
    got = messages(tmp_path, "\n".join(lines) + "\n")
    assert time.perf_counter() - start < 2
    assert len(got) == 1
    assert got[0].endswith(
        "锚点/别名(& 与 *)展开后的内容超过 50000 项,可能是恶意的指数展开(“十亿笑声”),拒绝读取"
    )


def test_quadratic_alias_blowup_refused(tmp_path: Path) -> None:
    big = "[" + ", ".join(["1"] * 2000) + "]"
    text = f"a: &a {big}\nb: [" + ", ".join(["*a"] * 100) + "]\n"
    got = messages(tmp_path, text)
    assert "展开后的内容超过 50000 项" in got[0]


def test_small_anchors_are_allowed(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        '      - {id: "1.1", name: 监测对象风险消除率, points: 10, rule: {type: threshold, target: 70}}',
        '      - {id: "1.1", name: 甲, points: 5, rule: &r {type: threshold, target: 70}}\n'
        '      - {id: "1.2", name: 乙, points: 5, rule: *r}',
    )
    loaded = load_scheme(write(tmp_path, text))
    assert [i.rule.type for i in loaded.scheme.categories[0].indicators] == ["threshold"] * 2


@pytest.mark.parametrize("depth", [100, 100_000])
def test_deep_flow_nesting_refused_without_crashing(tmp_path: Path, depth: int) -> None:
    # libyaml's composer recurses in C: 100,000 brackets would overflow its stack
    got = messages(tmp_path, "title: " + "[" * depth + "]" * depth + "\n")
    assert got == ["1:67: 嵌套超过 60 层,拒绝读取"]


def test_deep_block_nesting_refused(tmp_path: Path) -> None:
    text = "".join("  " * i + f"k{i}:\n" for i in range(200))
    assert messages(tmp_path, text) == ["61:121: 嵌套超过 60 层,拒绝读取"]


def test_dates_are_kept_as_text(tmp_path: Path) -> None:
    got = messages(tmp_path, MINIMAL.replace("title: 测试", "title: 2024-12-31"))
    assert got == []


def test_keys_are_kept_as_written(tmp_path: Path) -> None:
    text = MINIMAL.replace("target: 70}", "target: 70, by_group: {1.10: {target: 60}}}")
    text = text.replace("full_score: 10", "full_score: 10\ngroups: [{id: '1.10', name: 十组}]")
    loaded = load_scheme(write(tmp_path, text))
    assert list(loaded.scheme.categories[0].indicators[0].rule.by_group) == ["1.10"]


def test_huge_integer_is_a_finding(tmp_path: Path) -> None:
    got = messages(tmp_path, MINIMAL.replace("year: 2024", "year: " + "9" * 5000))
    assert got == ["3:7 year: 无法识别的取值“999999999999999999999999999999999999999…”"]


def test_error_headline_counts_errors_and_warnings(tmp_path: Path) -> None:
    text = MINIMAL.replace("full_score: 10", "full_score: 20").replace("target: 70}", "targt: 70}")
    with pytest.raises(SchemeError) as info:
        load_scheme(write(tmp_path, text))
    assert info.value.message == "方案有 2 处错误"
    text = (
        MINIMAL.replace("full_score: 10", "full_score: 20")
        .replace("target: 70}", "type: linear, floor: 1, target: 1}")
        .replace("{type: threshold, type: linear", "{type: linear")
    )
    with pytest.raises(SchemeError) as info:
        load_scheme(write(tmp_path, text))
    assert info.value.message == "方案有 1 处错误、1 处提醒"


def test_ten_thousand_indicators_validate_in_seconds(tmp_path: Path) -> None:
    n = 10_000
    lines = [
        "id: big",
        "title: 大方案",
        "year: 2024",
        f"full_score: {n}",
        "categories:",
    ]
    lines += ['  - id: "1"', "    name: 类", f"    points: {n}", "    indicators:"]
    for i in range(n):
        rule = (
            "{type: bands, bands: [{min: 90, score: 1}, {min: 60, max: 90, share: 0.5}, {max: 60, score: 0}]}"
            if i % 2
            else "{type: threshold, target: 1}"
        )
        lines.append(f'      - {{id: "1.{i}", name: 指标{i}, points: 1, unit: "%", rule: {rule}}}')
    path = write(tmp_path, "\n".join(lines) + "\n")
    start = time.perf_counter()
    loaded = load_scheme(path)
    elapsed = time.perf_counter() - start
    assert len(loaded.scheme.categories[0].indicators) == n
    assert elapsed < 15, f"{elapsed:.1f} s"
