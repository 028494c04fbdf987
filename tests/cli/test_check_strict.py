"""``assess check`` on a scheme: warnings are printed even without errors; ``--strict`` fails on them."""

from __future__ import annotations

import json

from tests.cli.conftest import ROOT, invoke

# Loads (no errors), with one warning: the top band gives 4 of the 5 points.
WARNS = """\
id: t
title: 测试
year: 2024
full_score: 5
categories:
  - id: "1"
    name: 类
    points: 5
    indicators:
      - {id: "1.1", name: 甲, points: 5, rule: {type: bands, bands: [{min: 90, score: 4}, {max: 90, score: 1}]}}
"""
MESSAGE = "指标 1.1 各档得分最高为 4,达不到分值 5,任何单位都得不到满分"


def test_check_prints_warnings_of_a_scheme_without_errors(runner, tmp_path):
    path = tmp_path / "warns.yaml"
    path.write_text(WARNS, encoding="utf-8")
    result = invoke(runner, "check", "--wide", str(path))  # the full table: messages unwrapped
    assert result.exit_code == 0
    assert MESSAGE in result.output
    assert f"{path}:10:61" in result.output
    assert "已检查 1 个方案:0 个错误,1 个提示。" in result.output


def test_check_strict_turns_warnings_into_errors(runner, tmp_path):
    path = tmp_path / "warns.yaml"
    path.write_text(WARNS, encoding="utf-8")
    result = invoke(runner, "check", "--strict", "--wide", str(path))
    assert result.exit_code == 1
    assert MESSAGE in result.output
    assert "已检查 1 个方案:1 个错误,0 个提示。" in result.output


def test_check_json_counts_warnings_and_strict_errors(runner, tmp_path):
    path = tmp_path / "warns.yaml"
    path.write_text(WARNS, encoding="utf-8")
    doc = json.loads(invoke(runner, "check", str(path), "--format", "json").output)
    assert (doc["errors"], doc["warnings"]) == (0, 1)
    finding = doc["findings"][0]
    assert (finding["code"], finding["severity"], finding["message"]) == (
        "cap-unreachable",
        "warning",
        MESSAGE,
    )
    assert (finding["location"]["line"], finding["location"]["column"]) == (10, 61)
    result = invoke(runner, "check", "--strict", str(path), "--format", "json")
    doc = json.loads(result.output)
    assert result.exit_code == 1
    assert (doc["errors"], doc["warnings"]) == (1, 0)


def test_bundled_schemes_are_clean_even_when_strict(runner):
    for name in ("county-2023.yaml", "county-2024.yaml"):
        result = invoke(runner, "check", "--strict", str(ROOT / "indicators" / name))
        assert result.exit_code == 0, result.output
        assert result.output == "已检查 1 个方案,未发现问题。\n"
