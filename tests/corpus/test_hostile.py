"""Hostile values anywhere (issue 19, promise 5): never a traceback, never exit 3, inputs untouched.

Hypothesis writes county workbooks, summary tables (CSV), results JSON files,
schemes and option values that a careless or hostile sender could produce:
control and zero-width characters, right-to-left overrides, huge and tiny
numbers, ``nan``/``inf``/``1e999`` as text, far dates, very long text, deep
and malformed JSON.  Each run of ``score``, ``rank``, ``check``, ``explain``,
``diff``, ``template`` and ``rectify`` must end with exit code 0, 1 or 2, no traceback and
no internal error, leave every input's bytes as they were, and write no NaN or
Infinity into any JSON.  The CLI runs in-process (click's CliRunner) so that a
few hundred runs take seconds; fixed regressions at the end run through a real
``python -m assess`` and pin the exact Chinese message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from assess.cli import main

ROOT = Path(__file__).resolve().parents[2]
SCHEME = ROOT / "indicators" / "county-2024.yaml"
COUNTY = ROOT / "examples" / "counties" / "浏阳市.xlsx"
PEER = ROOT / "examples" / "counties" / "宁乡市.xlsx"
SUMMARY = ROOT / "examples" / "汇总表.xlsx"

SETTINGS = settings(
    max_examples=int(os.environ.get("ASSESS_HOSTILE_RUNS", "40")),
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# ---- hostile values ---------------------------------------------------------------

INVISIBLE = [
    "\x00",
    "\x07",
    "\x08",
    "\x1b[31m",
    "\x7f",
    "\u200b",
    "\u200d",
    "\u202e",
    "\u2066",
    "\ufeff",
    "\r\n",
]
NUMBER_TEXT = ["nan", "NaN", "-nan", "inf", "-inf", "Infinity", "1e999", "-1e999", "1e308", "1e-320", "0x1F"]
OTHER_TEXT = [
    "",
    " ",
    "不适用",
    "是",
    "否",
    "#DIV/0!",
    "=1+1",
    "@SUM(A1)",
    "<script>x</script>",
    "../../x",
    "CON",
]
DATES = ["9999-12-31", "0000-01-01", "2024-02-30", "0001-01-01", "2024-13-01", "99999-01-01", "2024-1-1"]

invisible_text = st.lists(
    st.one_of(st.sampled_from(INVISIBLE), st.sampled_from(["浏阳市", "县", "a", "1"])), min_size=1, max_size=5
).map("".join)

cell_values = st.one_of(
    st.sampled_from(NUMBER_TEXT + OTHER_TEXT + DATES),
    invisible_text,
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-(10**18), 10**18),
    st.sampled_from([10**30, -(10**30), 1e308, -1e308, 5e-324, 0.0, -0.0]),
    st.datetimes(min_value=dt.datetime(1900, 1, 2), max_value=dt.datetime(9999, 12, 31)),
    st.sampled_from(["长" * 40_000, "9" * 5_000, "x\n" * 2_000]),
    st.text(max_size=30),
)

# A JSON document given as ``rank --previous``: text, so that it can hold what json.dumps cannot.
json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**40), 10**40),
    st.floats(),  # NaN and ±Infinity written as JSON's non-standard literals
    st.text(max_size=20),
    invisible_text,
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(["unit", "rank", "total", "grade"]), inner),
    ),
    max_leaves=12,
)
unit_entries = st.fixed_dictionaries(
    {},
    optional={
        "unit": st.one_of(st.sampled_from(["浏阳市", "宁乡市", "", "\u200b"]), json_scalars),
        "rank": json_values,
        "overall_rank": json_values,
        "total": json_values,
        "grade": json_values,
        "group": json_values,
        "flags": json_values,
    },
)
results_texts = st.one_of(
    st.builds(
        lambda units: json.dumps({"format": "assess.rank/1", "units": units}),
        st.lists(unit_entries, max_size=4),
    ),
    json_values.map(json.dumps),
    st.sampled_from(
        [
            "[" * 100_000 + "]" * 100_000,
            '{"units": [{"unit": "浏阳市", "total": ' + "9" * 5_000 + "}]}",
            '{"units": [], "units": [{"unit": "浏阳市"}]}',
            '{"units": [{"unit": "浏阳市", "total": NaN}]}',
            '{"units": [{"unit": "浏阳市", "total": -Infinity}]}',
            '{"units": [{"unit": "浏阳市", "total": 1e999}]}',
            '{"units": [{"unit": "' + "长" * 2_000_000 + '", "total": 1}]}',
            "",
            "\ufeff",
            "null",
            '{"units": "浏阳市"}',
        ]
    ),
)

options = st.fixed_dictionaries(
    {
        "date": st.one_of(st.none(), st.sampled_from(DATES), st.dates().map(str), invisible_text),
        "format": st.sampled_from(["table", "json", "html", "doc", "xlsx"]),
    }
)

# ---- files ------------------------------------------------------------------------


def _escaped(value: Any) -> Any:
    """Text openpyxl would refuse, written as Excel's own ``_x0007_`` escapes (calamine reads them back)."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    return value


def county_workbook(folder: Path, name: Any, year: Any, values: list[Any]) -> Path:
    wb = openpyxl.load_workbook(COUNTY)
    wb["基本信息"]["B1"] = _escaped(name)
    wb["基本信息"]["B2"] = _escaped(year)
    rows = [r for r in wb["指标数据"].iter_rows(min_row=3) if r[0].value]
    for row, value in zip(rows, values, strict=False):
        row[3].value = _escaped(value)
    path = folder / "县.xlsx"
    wb.save(path)
    return path


def summary_csv(folder: Path, names: list[str], values: list[Any]) -> Path:
    """A summary table as CSV: text as written, control characters and all."""
    src = openpyxl.load_workbook(SUMMARY, read_only=True)
    rows = [list(r) for r in src.active.iter_rows(max_row=3, values_only=True)]
    src.close()
    lines = [",".join(str(c) for c in rows[0])]
    for i, name in enumerate(names):
        row = ["" if c is None else str(c) for c in rows[1 + i % 2]]
        row[0] = name
        for j, v in enumerate(values[: len(row) - 2]):
            row[2 + j] = str(v)
        lines.append(",".join('"' + c.replace('"', '""') + '"' for c in row))
    path = folder / "汇总.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def hostile_scheme(folder: Path, texts: list[str], numbers: list[Any]) -> Path:
    """The sample scheme with names, a title and a few numbers replaced (as JSON strings: valid YAML)."""
    text = SCHEME.read_text(encoding="utf-8")
    targets = [
        "title: 2024 年度县市区乡村振兴实绩考核评分细则",
        "{name: 浏阳市, group: demo}",
        "name: 监测对象风险消除率",
    ]
    for target, new in zip(targets, texts, strict=False):
        head = target.split(":")[0] if not target.startswith("{") else "{name"
        value = json.dumps(new, ensure_ascii=False)
        text = text.replace(
            target, f"{head}: {value}, group: demo}}" if target.startswith("{") else f"{head}: {value}", 1
        )
    spots = ["        points: 5\n", "full_score: 100\n", "            - {min: 70, score: 5}\n"]
    for spot, number in zip(spots, numbers, strict=False):
        key = spot.strip().split(":")[0].lstrip("- {")
        indent = spot[: len(spot) - len(spot.lstrip())]
        if spot.strip().startswith("-"):
            text = text.replace(spot, f"{indent}- {{min: {number}, score: 5}}\n", 1)
        else:
            text = text.replace(spot, f"{indent}{key}: {number}\n", 1)
    path = folder / "方案.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# ---- the check made after every run -----------------------------------------------


def _digest(paths: list[Path]) -> dict[Path, str]:
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.is_file()}


def _strict_json(text: str) -> Any:
    def refuse(name: str) -> Any:
        raise AssertionError(f"JSON output contains {name}")

    return json.loads(text, parse_constant=refuse)


def invoke(args: list[str], inputs: list[Path], out: Path | None = None) -> Any:
    before = _digest(inputs)
    result = CliRunner().invoke(main, [str(a) for a in args])
    text = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        args,
        repr(result.exception),
        text[-2000:],
    )
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, text[-2000:])
    assert "Traceback" not in text and "程序内部错误" not in text, (args, text[-2000:])
    assert _digest(inputs) == before, f"an input was modified: {args}"
    if "--format" in args and args[args.index("--format") + 1] == "json" and result.exit_code in (0, 1):
        if out is not None and out.is_file():
            _strict_json(out.read_text(encoding="utf-8"))
        elif out is None and result.stdout.lstrip().startswith(("{", "[")):
            _strict_json(result.stdout)
    for found in out.rglob("*.json") if out is not None and out.is_dir() else []:
        _strict_json(found.read_text(encoding="utf-8"))
    return result


def _output(folder: Path, fmt: str, several: bool) -> list[str]:
    if fmt == "table":
        return []
    suffix = {"json": ".json", "html": ".html", "doc": ".doc", "xlsx": ".xlsx"}[fmt]
    return ["--format", fmt, "-o", str(folder / ("out" if several else f"out{suffix}")), "--force"]


# ---- hypothesis --------------------------------------------------------------------


@SETTINGS
@given(
    name=st.one_of(invisible_text, cell_values),
    year=cell_values,
    values=st.lists(cell_values, min_size=1, max_size=8),
    command=st.sampled_from(["score", "rank", "check", "explain"]),
    opts=options,
)
def test_hostile_county_workbook(
    tmp_path_factory: pytest.TempPathFactory,
    name: Any,
    year: Any,
    values: list[Any],
    command: str,
    opts: dict[str, Any],
) -> None:
    folder = tmp_path_factory.mktemp("county")
    data = county_workbook(folder, name, year, values)
    inputs = [data, PEER]
    fmt = opts["format"] if command in ("score", "rank") else ("table" if command == "check" else "json")
    args = [command, "-s", "county-2024", data, PEER]
    out: Path | None = None
    if command in ("score", "rank") and fmt != "table":
        args += _output(folder, fmt, several=command == "score" and fmt != "json")
        out = Path(args[args.index("-o") + 1])
    if command == "rank" and opts["date"] is not None:
        args += ["--date", opts["date"]]
    if command == "explain":
        args += ["--format", "json"]
    invoke(args, inputs, out)


@SETTINGS
@given(
    names=st.lists(
        st.one_of(invisible_text, st.sampled_from(["浏阳市", "宁乡市", "合计", ""])), min_size=1, max_size=4
    ),
    values=st.lists(cell_values.map(str), max_size=6),
    command=st.sampled_from(["score", "rank", "check"]),
    fmt=st.sampled_from(["table", "json", "xlsx"]),
)
def test_hostile_summary_table(
    tmp_path_factory: pytest.TempPathFactory, names: list[str], values: list[str], command: str, fmt: str
) -> None:
    folder = tmp_path_factory.mktemp("summary")
    data = summary_csv(folder, names, values)
    args: list[Any] = [command, "-s", "county-2024", data]
    out = None
    if command != "check" and fmt != "table":
        args += _output(folder, fmt, several=command == "score" and fmt != "json")
        out = Path(args[args.index("-o") + 1])
    invoke(args, [data], out)


@SETTINGS
@given(text=results_texts, fmt=st.sampled_from(["table", "json", "xlsx"]))
def test_hostile_previous_results(tmp_path_factory: pytest.TempPathFactory, text: str, fmt: str) -> None:
    folder = tmp_path_factory.mktemp("previous")
    previous = folder / "上年.json"
    previous.write_text(text, encoding="utf-8")
    args: list[Any] = [
        "rank",
        "-s",
        "county-2024",
        COUNTY,
        PEER,
        "--previous",
        previous,
        *_output(folder, fmt, False),
    ]
    out = folder / f"out.{fmt}" if fmt != "table" else None
    result = invoke(args, [previous, COUNTY, PEER], out)
    if result.exit_code == 2:
        assert "上年结果" in result.output + result.stderr


@SETTINGS
@given(
    texts=st.lists(st.one_of(invisible_text, st.text(max_size=20), st.just("长" * 5_000)), max_size=3),
    numbers=st.lists(
        st.sampled_from(
            ["1e400", "-5", "1" + "0" * 400, "1e30", ".nan", ".inf", "0", "1e-320", "abc", "[1]"]
        ),
        max_size=3,
    ),
    command=st.sampled_from(["check", "score", "template", "diff"]),
)
def test_hostile_scheme(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str], numbers: list[str], command: str
) -> None:
    folder = tmp_path_factory.mktemp("scheme")
    scheme = hostile_scheme(folder, texts, numbers)
    inputs = [scheme, COUNTY]
    out = None
    if command == "check":
        args: list[Any] = ["check", scheme]
    elif command == "score":
        args = ["score", "-s", scheme, COUNTY, "--format", "json", "-o", folder / "s.json"]
        out = folder / "s.json"
    elif command == "template":
        args = ["template", "-s", scheme, "-o", folder / "模板.xlsx"]
    else:
        args = ["diff", SCHEME, scheme, "--data", COUNTY, "--format", "json", "-o", folder / "d.json"]
        out = folder / "d.json"
    invoke(args, inputs, out)


@SETTINGS
@given(
    sensitivity=st.one_of(st.integers(-5, 12), st.sampled_from([100_001, 10**30])),
    vary=st.lists(
        st.one_of(
            st.sampled_from(
                ["weights=±10%", "targets=5%", "bands=±99.9%", "weights=±1e308%", "weights=±nan%"]
            ),
            st.sampled_from(["weights=±100%", "=", "x=1", "weights=", "weights=±1" + "0" * 400 + "%"]),
            invisible_text,
            st.text(max_size=15),
        ),
        max_size=2,
    ),
    sets=st.lists(
        st.builds(
            "{}={}".format,
            st.sampled_from(["1.5", "产业资金", "监测对象人数", "规模性返贫", "\u200b", "不存在"]),
            st.one_of(st.sampled_from(NUMBER_TEXT + OTHER_TEXT), st.floats().map(repr)),
        ),
        max_size=2,
    ),
    unit=st.one_of(st.none(), st.sampled_from(["浏阳市", "宁乡市", "x" * 3_000]), invisible_text),
    date=st.one_of(st.none(), st.sampled_from(DATES), invisible_text),
)
def test_hostile_options(
    tmp_path_factory: pytest.TempPathFactory,
    sensitivity: int,
    vary: list[str],
    sets: list[str],
    unit: str | None,
    date: str | None,
) -> None:
    folder = tmp_path_factory.mktemp("options")
    inputs = [COUNTY, PEER]
    args: list[Any] = ["rank", "-s", "county-2024", *inputs, "--sensitivity", sensitivity]
    for v in vary:
        args += ["--vary", v]
    if date is not None:
        args += ["--date", date]
    invoke([*args, "--format", "json", "-o", folder / "r.json"], inputs, folder / "r.json")
    explain: list[Any] = ["explain", "-s", "county-2024", *inputs, "--format", "json"]
    for s in sets:
        explain += ["--set", s]
    if unit is not None:
        explain += ["--unit", unit]
    invoke(explain, inputs)


# ---- fixed regressions, through the installed CLI ----------------------------------------


def _cli(args: list[Any], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    env.pop("ASSESS_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "assess", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def _control_workbook(folder: Path) -> Path:
    return county_workbook(folder, "浏阳\x07市\u202e", 2024, [])


REGRESSIONS: list[tuple[str, Any, list[Any], int, str]] = [
    # (name, builder of the input in the folder → path, args after the input, exit code, message)
    (
        "nan-in-previous",
        lambda d: _write(d / "上年.json", '{"units": [\n {"unit": "浏阳市", "total": NaN}]}'),
        ["rank", "-s", "county-2024", COUNTY, "--previous", "{input}"],
        2,
        "错误:上年.json: 上年结果文件第 2 行第 27 列键“total”的取值为 NaN(非数或无穷大),JSON 中不允许;"
        "请使用 assess score 或 assess rank 输出的 JSON 结果文件,不要手工修改",
    ),
    (
        "deep-previous",
        lambda d: _write(d / "上年.json", "[" * 100_000 + "]" * 100_000),
        ["rank", "-s", "county-2024", COUNTY, "--previous", "{input}"],
        2,
        "错误:上年.json: 上年结果文件中的列表或对象嵌套过深;请使用 assess score 或 assess rank 输出的 JSON 结果文件,不要手工修改",
    ),
    (
        "huge-integer-in-previous",
        lambda d: _write(d / "上年.json", '{"units": [{"unit": "浏阳市", "total": ' + "9" * 5_000 + "}]}"),
        ["rank", "-s", "county-2024", COUNTY, "--previous", "{input}"],
        2,
        "错误:上年.json: 上年结果文件第 1 行第 37 列键“total”的整数“9999999999999999999999999999999999999999…"
        "(共 5,000 个字符)”过长(5,000 位);请使用 assess score 或 assess rank 输出的 JSON 结果文件,不要手工修改",
    ),
    (
        "wrong-type-in-previous",
        lambda d: _write(d / "上年.json", '{"units": [{"unit": "浏阳市", "rank": "第一"}]}'),
        ["rank", "-s", "county-2024", COUNTY, "--previous", "{input}"],
        2,
        "错误:上年.json: 上年结果中“units[0].rank”应为名次(正整数),实际为文字“第一”;"
        "请使用 assess score 或 assess rank 输出的 JSON 结果文件,不要手工修改",
    ),
    (
        "duplicate-key-in-previous",
        lambda d: _write(d / "上年.json", '{"units": [], "units": []}'),
        ["rank", "-s", "county-2024", COUNTY, "--previous", "{input}"],
        2,
        "错误:上年.json: 上年结果文件中键“units”在同一个对象中出现了两次;"
        "请使用 assess score 或 assess rank 输出的 JSON 结果文件,不要手工修改",
    ),
    (
        "401-digit-formula",
        lambda d: _write(
            d / "方案.yaml",
            SCHEME.read_text(encoding="utf-8").replace(
                "formula: 消除风险人数 / 监测对象人数 * 100",
                "formula: 消除风险人数 / 监测对象人数 * 1" + "0" * 400,
                1,
            ),
        ),
        ["score", "-s", "{input}", COUNTY],
        2,
        "错误:方案有 1 处错误\n  方案.yaml:79:9 categories[0].indicators[0].formula: "
        "公式“消除风险人数 / 监测对象人数 * 10000000000000000000000000000000000000000…”中的数值超出范围",
    ),
    (
        "control-character-in-scheme",
        lambda d: _write(
            d / "方案.yaml",
            SCHEME.read_text(encoding="utf-8").replace(
                "{name: 浏阳市, group: demo}", '{name: "浏阳\\a市", group: demo}', 1
            ),
        ),
        ["check", "--wide", "{input}"],
        1,
        "方案.yaml:21:12  units[0].name  文字“浏阳<U+0007>市”中有看不见的控制字符(U+0007),"
        "多是从别处复制时带入的;请删除后重新输入这段文字",
    ),
    (
        "control-character-in-unit-name",
        _control_workbook,
        ["rank", "-s", "county-2024", "{input}", PEER, "--format", "xlsx", "-o", "排名.xlsx"],
        0,
        "已写入:排名.xlsx",
    ),
    (
        "only-invisible-unit-name",
        lambda d: county_workbook(d, "\x07\u200b", 2024, []),
        ["check", "-s", "county-2024", "{input}"],
        1,
        "“单位名称”只有不可见的字符(“\\x07<U+200B>”),请填写单位名称",
    ),
    (
        "fifo-as-previous",
        lambda d: _fifo(d / "上年.json"),
        ["rank", "-s", "county-2024", COUNTY, "--previous", "{input}"],
        2,
        "错误:上年.json: 上年结果“上年.json”不是普通文件(可能是管道或设备),应为 JSON 文件",
    ),
]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _fifo(path: Path) -> Path:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this system")
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("case", REGRESSIONS, ids=[c[0] for c in REGRESSIONS])
def test_regression_through_the_cli(case: tuple[str, Any, list[Any], int, str], tmp_path: Path) -> None:
    _name, build, args, code, message = case
    made = build(tmp_path)
    inputs = [made, COUNTY, PEER]
    before = _digest(inputs)
    got = _cli([made.name if a == "{input}" else a for a in args], tmp_path)
    text = got.stdout + got.stderr
    assert got.returncode == code, text[-2000:]
    assert message in text, text[-2000:]
    assert "Traceback" not in text and "程序内部错误" not in text
    assert _digest(inputs) == before
    for out in tmp_path.glob("*.xlsx"):
        if out != made:
            wb = openpyxl.load_workbook(out)
            cells = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
            assert not any(re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", c) for c in cells)


def test_quiet_rank_still_says_why_it_exits_1(tmp_path: Path) -> None:
    """``-q`` hides progress and the summary, never the reason for a non-zero exit."""
    bad = _write(tmp_path / "坏文件.xlsx", "not a workbook")
    got = _cli(["rank", "-q", "-s", "county-2024", COUNTY, bad.name, "-o", "排名.json"], tmp_path)
    assert got.returncode == 1, got.stderr
    assert "未计入:坏文件.xlsx:无法读取“坏文件.xlsx”" in got.stderr
    assert "已评分" not in got.stderr and "已写入" not in got.stderr
    _strict_json((tmp_path / "排名.json").read_text(encoding="utf-8"))


@SETTINGS
@given(
    text=results_texts,
    as_of=st.sampled_from(["2025-03-31", "9999-12-31", "0001-01-01", "2024-02-30", "明天"]),
    formats=st.sets(st.sampled_from(["xlsx", "html", "doc", "json"]), min_size=1),
)
def test_hostile_rectify(
    tmp_path_factory: pytest.TempPathFactory, text: str, as_of: str, formats: set[str]
) -> None:
    """rectify on a hostile results file, with the findings list beside it and odd dates."""
    folder = tmp_path_factory.mktemp("rectify")
    results = folder / "结果.json"
    results.write_text(text, encoding="utf-8")
    findings = ROOT / "examples" / "督查发现问题清单.xlsx"
    out = folder / "整改"
    args: list[Any] = ["rectify", "-s", "county-2024", results, "--findings", findings, "--as-of", as_of]
    args += [a for f in sorted(formats) for a in ("--format", f)] + ["-o", out]
    invoke(args, [results, findings], out)
