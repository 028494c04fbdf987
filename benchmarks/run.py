"""Benchmark: is `assess` read-bound at national scale?

    python benchmarks/run.py            # full: 3,000 counties, 500,000 villages
    python benchmarks/run.py --quick    # 300 counties, 50,000 villages (under a minute once cached)
    python benchmarks/run.py --sources-only   # case 6 alone: counties with five other data sources

Data are generated once into benchmarks/.cache/ (reused while the generator's
version stays the same).  Every case prints its figures and the ratios
measured side by side in the same run (medians of --repeat runs).  The
targets are goals for this benchmark, never assertions in the test suite;
docs/performance.md records the figures and their history.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assess.scheme.inputs import InputSpec

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

GENERATOR_VERSION = 2
EXTRA_ROWS = 107  # county workbooks carry more rows than a scheme reads (~150 in all)
VILLAGE_FIELDS = 20


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


# ---- data --------------------------------------------------------------------


def bench_scheme(cache: Path) -> Path:
    """The bundled scheme without its sample unit list (thousands of units here)."""
    import yaml

    data = yaml.safe_load((ROOT / "indicators" / "county-2024.yaml").read_text(encoding="utf-8"))
    data["units"] = []
    data["id"] = "bench-county"
    # Every value from the county's own workbook, as in every earlier round (the bundled scheme
    # now declares sources: the multi-source case, :func:`multi_scheme`, declares its own).
    data.pop("sources", None)
    path = cache / "bench-county.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def village_scheme(cache: Path) -> Path:
    """Villages as units, ranked within their county (the group column)."""
    text = """
id: bench-village
title: 村级乡村振兴考核(基准测试)
year: 2024
level: village
full_score: 100
categories:
  - id: "1"
    name: 产业与收入
    points: 50
    indicators:
      - {id: "1.1", name: 集体经济收入, points: 20, unit: 万元, field: f01,
         rule: {type: bands, bands: [{min: 10, score: 20}, {min: 5, max: 10, score: 12}, {max: 5, score: 4}]}}
      - {id: "1.2", name: 人均可支配收入增速, points: 15, unit: "%", field: f02, rule: {type: linear, floor: 0, target: 8}}
      - {id: "1.3", name: 务工人数占比, points: 15, unit: "%", field: f03, rule: {type: rank, scores: [15, 14, 13, 12, 11], others: 10}}
  - id: "2"
    name: 建设与治理
    points: 50
    indicators:
      - {id: "2.1", name: 自来水普及率, points: 20, unit: "%", field: f04, rule: {type: threshold, target: 95, partial: 10}}
      - {id: "2.2", name: 卫生厕所普及率, points: 15, unit: "%", field: f05, rule: {type: relative, to: best}}
      - {id: "2.3", name: 矛盾纠纷, points: 15, unit: 个, field: f06, rule: {type: deduct, per_item: 3}}
grades:
  - {name: 好, min: 85}
  - {name: 较好, min: 70}
  - {name: 一般, min: 60}
  - {name: 较差, min: 0}
fields:
"""
    for i in range(1, VILLAGE_FIELDS + 1):
        kind = "count" if i == 6 else "number"
        text += f"  - {{id: f{i:02d}, name: 字段{i:02d}, kind: {kind}}}\n"
    path = cache / "bench-village.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def make_counties(
    folder: Path, count: int, specs: Sequence[InputSpec] | None = None, bounded: bool = False
) -> None:
    """County workbooks holding ``specs`` (default: every input of the bundled scheme).

    With ``bounded``, a value is kept within its field's declared bounds (the first case's
    data predate this and keep their out-of-range scores: regenerating would change them).
    """
    from openpyxl import Workbook

    from assess.commands.common import load_plan

    plan = load_plan(str(ROOT / "indicators" / "county-2024.yaml"))
    if specs is None:
        specs = plan.read.inputs
    rng = random.Random(9)
    folder.mkdir(parents=True, exist_ok=True)
    groups = [g.name for g in plan.scheme.groups]
    for n in range(count):
        wb = Workbook()
        info = wb.active
        info.title = "基本信息"
        info.append(["单位名称", f"测试县{n:04d}"])
        info.append(["年度", 2024])
        info.append(["分组", groups[n % len(groups)]])
        ws = wb.create_sheet("指标数据")
        ws.append(["2024年度乡村振兴实绩考核数据填报表"])
        ws.append(["指标编码", "指标名称", "单位", "数值", "说明或佐证"])
        for spec in specs:
            if spec.kind == "bool":
                value: object = (
                    rng.choice(["是", "否"]) if spec.key not in ("规模性返贫", "重大舆情") else "否"
                )
            elif spec.kind == "count":
                value = (
                    rng.randint(0, 5)
                    if spec.key not in ("监测对象人数", "问题总数", "务工规模", "上年务工规模")
                    else rng.randint(1000, 9000)
                )
            elif spec.kind == "percent":
                value = round(rng.uniform(50, 100), 2)
            else:
                value = round(rng.uniform(10, 1000), 2)
            if spec.key == "消除风险人数":
                value = 500
            if spec.key == "已整改问题数":
                value = 900
            if bounded and isinstance(value, float) and spec.maximum is not None and value > spec.maximum:
                value = round(rng.uniform(max(spec.minimum or 0, spec.maximum / 2), spec.maximum), 2)
            ws.append([spec.code or spec.key, spec.name, spec.unit or "", value, None])
        for extra in range(EXTRA_ROWS):
            ws.append([f"X{extra:03d}", f"补充统计指标{extra:03d}", "个", rng.randint(0, 999), None])
        vs = wb.create_sheet("村级明细")
        vs.append(["村名称", "村集体经济经营性收入(万元)", "是否脱贫村", "较大人口规模自然村通硬化路"])
        for v in range(30):
            vs.append([f"村{v:02d}", round(rng.uniform(1, 30), 1), "是", "是"])
        wb.save(folder / f"测试县{n:04d}.xlsx")


def make_villages(path: Path, rows: int, counties: int) -> None:
    from openpyxl import Workbook

    rng = random.Random(7)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("村级明细")
    ws.append(
        ["所属县市区", "村名称", "村集体经济经营性收入(万元)", "是否脱贫村", "较大人口规模自然村通硬化路"]
        + [f"字段{i:02d}" for i in range(1, VILLAGE_FIELDS - 3)]
    )
    for r in range(rows):
        ws.append(
            [
                f"测试县{r % counties:04d}",
                f"村{r:06d}",
                round(rng.uniform(0, 30), 1),
                rng.choice(["是", "否"]),
                rng.choice(["是", "否"]),
            ]
            + [round(rng.uniform(0, 100), 2) for _ in range(VILLAGE_FIELDS - 4)]
        )
    wb.save(path)


def make_village_units(path: Path, rows: int, counties: int) -> None:
    """The same villages as a summary table: one row per village, its county as the group."""
    from openpyxl import Workbook

    rng = random.Random(7)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("汇总表")
    ws.append(["村名称", "分组"] + [f"字段{i:02d}" for i in range(1, VILLAGE_FIELDS + 1)])
    for r in range(rows):
        ws.append(
            [f"测试县{r % counties:04d}村{r:06d}", f"测试县{r % counties:04d}"]
            + [
                rng.randint(0, 5) if i == 6 else round(rng.uniform(0, 100), 2)
                for i in range(1, VILLAGE_FIELDS + 1)
            ]
        )
    wb.save(path)


def make_summary(path: Path, counties: Path) -> None:
    """The county returns as one summary table (for the villages-aggregated case)."""
    from openpyxl import Workbook

    from assess.commands.common import load_plan
    from assess.workbook.county import read_county

    plan = load_plan(str(ROOT / "indicators" / "county-2024.yaml"))
    files = sorted(counties.glob("*.xlsx"))
    first = read_county(files[0], plan.read)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("汇总表")
    specs = plan.read.inputs
    ws.append(["单位名称", "分组"] + [s.name for s in specs])
    rng = random.Random(3)
    groups = [g.name for g in plan.scheme.groups]
    for n in range(len(files)):
        row: list[object] = [f"测试县{n:04d}", groups[n % len(groups)]]
        for s in specs:
            v = first.values.get(s.key)
            number = v.number if v is not None else None
            row.append(
                ("是" if number else "否")
                if s.kind == "bool"
                else (round((number or 0) * rng.uniform(0.9, 1.1), 2))
            )
        ws.append(row)
    wb.save(path)


# The multi-source round: the counties report only their own fields; three departments, a
# target table and a findings list (10 problems per county on average) supply the rest.
MULTI_VERSION = 2
FINDINGS_PER_UNIT = 10
MULTI_SOURCES: list[dict[str, object]] = [
    {"id": "县级填报", "kind": "unit", "name": "县市区乡村振兴实绩考核数据填报表"},
    {
        "id": "财政",
        "name": "衔接资金支付进度表",
        "department": "省财政厅",
        "fields": ["衔接资金总额", "产业资金", "已支付资金"],
    },
    {"id": "统计", "name": "农村居民收入增速统计表", "department": "省统计局", "fields": ["2.2", "2.3"]},
    {
        "id": "人社",
        "name": "脱贫劳动力务工就业统计表",
        "department": "省人力资源社会保障厅",
        "fields": ["务工规模", "上年务工规模"],
    },
    {"id": "目标", "name": "目标任务分解表", "department": "省农业农村厅", "fields": ["播种任务"]},
    {
        "id": "督查",
        "kind": "findings",
        "name": "督查暗访和审计发现问题清单",
        "department": "省委农办",
        "counts": [
            {"field": "1.10", "categories": ["三保障", "饮水安全"]},
            {
                "field": "6.3",
                "origins": ["督查", "暗访"],
                "categories": ["作风问题", "形式主义", "产业发展", "基础设施"],
                "severities": {"一般": 1, "较重": 1.5, "严重": 2},
            },
            {"field": "P1", "categories": ["数据弄虚作假"]},
        ],
    },
]
# (category, weight): what the findings list holds; 数据弄虚作假 is rare, as it is in practice.
# 三保障, 饮水安全 and 数据弄虚作假 come from any origin; the others from 督查 or 暗访 (6.3), but
# for 资金管理 found by 审计, which no rule counts (about 2 % of rows: a warning each).
FINDING_CATEGORIES = [
    ("三保障", 12),
    ("饮水安全", 8),
    ("作风问题", 15),
    ("形式主义", 10),
    ("数据弄虚作假", 1),
    ("产业发展", 20),
    ("基础设施", 16),
    ("资金管理", 2),
]
ANY_ORIGIN = ("三保障", "饮水安全", "数据弄虚作假")
FINDING_ORIGINS = ["督查", "暗访", "审计", "巡视", "信访"]
SEVERITIES = ["一般", "一般", "一般", "较重", "严重"]


def multi_scheme(cache: Path) -> Path:
    """The benchmark scheme with ``sources:`` (:data:`MULTI_SOURCES`)."""
    import yaml

    data = yaml.safe_load(bench_scheme(cache).read_text(encoding="utf-8"))
    data["id"] = "bench-county-sources"
    data["sources"] = MULTI_SOURCES
    path = cache / "bench-county-sources.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def make_department(path: Path, spec: object, counties: int, seed: int) -> None:
    """A department's sheet: a title row, 序号, 县市区, its fields by name, other columns, 备注."""
    from openpyxl import Workbook

    from assess.sources.spec import SourceSpec

    assert isinstance(spec, SourceSpec)
    rng = random.Random(seed)
    specs = spec.read.inputs
    wb = Workbook()  # not write_only: shared strings and a declared range, as office suites write
    ws = wb.active
    ws.title = spec.name[:31]
    ws.append([f"2024年度{spec.name}"])
    extra = ["高标准农田建设任务(万亩)", "耕地保有量任务(万亩)"] if spec.id == "目标" else []
    ws.append(
        ["序号", "县市区", *(f"{s.name}({s.unit})" if s.unit else s.name for s in specs), *extra, "备注"]
    )
    order = list(range(counties))
    rng.shuffle(order)  # a department sorts its own way
    for i, n in enumerate(order):
        total = round(rng.uniform(1000, 5000), 2)
        row: list[object] = [i + 1, f"测试县{n:04d}"]
        got: dict[str, object] = {}
        for s in specs:
            if s.key == "衔接资金总额":
                value: object = total
            elif s.part_of == "衔接资金总额":
                value = round(total * rng.uniform(0.5, 0.95), 2)
            elif s.key == "上年务工规模" and isinstance(got.get("务工规模"), int):
                value = round(got["务工规模"] * rng.uniform(0.9, 1.1))  # type: ignore[operator]
            elif s.kind == "count":
                value = rng.randint(1000, 9000)
            elif s.unit == "%":
                value = round(rng.uniform(2, 10), 2)
            else:
                value = round(rng.uniform(10, 1000), 2)
            got[s.key] = value
            row.append(value)
        row += [round(rng.uniform(1, 50), 1) for _ in extra]
        ws.append([*row, None])
    wb.save(path)


def _origin(rng: random.Random, category: str) -> str:
    if category in ANY_ORIGIN:
        return rng.choice(FINDING_ORIGINS)
    return "审计" if category == "资金管理" else rng.choice(["督查", "暗访"])


def make_findings(path: Path, rows: int, counties: int) -> None:
    """A findings list: one row per problem (columns as assess/rectify/findings.py reads them)."""
    from openpyxl import Workbook

    rng = random.Random(5)
    wb = Workbook()  # see make_department
    ws = wb.active
    ws.title = "问题清单"
    ws.append(["序号", "单位", "问题来源", "问题类别", "问题描述", "严重程度", "责任单位", "整改时限"])
    names = [c for c, _w in FINDING_CATEGORIES]
    weights = [w for _c, w in FINDING_CATEGORIES]
    for r in range(rows):
        category = rng.choices(names, weights)[0]
        village = rng.randint(1, 30)
        ws.append(
            [
                r + 1,
                f"测试县{rng.randrange(counties):04d}",
                _origin(rng, category),
                category,
                f"抽查发现村{village:02d}存在{category}方面的问题,台账记录与实际情况不符(问题编号 {r + 1:06d})",
                rng.choice(SEVERITIES),
                "县乡村振兴局",
                "2025-06-30",
            ]
        )
    wb.save(path)


def prepare_multi(cache: Path, counties: int) -> tuple[Path, Path, dict[str, Path]]:
    """The multi-source round under ``cache/multi``: (scheme, county folder, source id → file)."""
    from assess.commands.common import load_plan
    from assess.sources.spec import FINDINGS, UNIT

    scheme = multi_scheme(cache)
    plan = load_plan(str(scheme))
    base = cache / "multi"
    folder = base / "counties"
    files = {s.id: base / "sources" / f"{s.id}.xlsx" for s in plan.sources if s.kind != UNIT}
    stamp = base / "stamp.json"
    want = {"version": MULTI_VERSION, "counties": counties, "findings": counties * FINDINGS_PER_UNIT}
    if stamp.exists() and json.loads(stamp.read_text()) == want and all(p.exists() for p in files.values()):
        return scheme, folder, files
    if base.exists():
        shutil.rmtree(base)
    (base / "sources").mkdir(parents=True)
    t = time.perf_counter()
    print(f"生成多来源测试数据:{counties} 个只含本县数据的填报表、{len(files)} 个来源文件……", flush=True)
    make_counties(folder, counties, plan.own_read.inputs, bounded=True)
    for i, spec in enumerate(plan.sources):
        if spec.kind == FINDINGS:
            make_findings(files[spec.id], counties * FINDINGS_PER_UNIT, counties)
        elif spec.kind != UNIT:
            make_department(files[spec.id], spec, counties, seed=20 + i)
    stamp.write_text(json.dumps(want))
    print(f"  用时 {time.perf_counter() - t:.0f} 秒", flush=True)
    return scheme, folder, files


def prepare(cache: Path, counties: int, villages: int) -> dict[str, Path]:
    stamp = cache / "stamp.json"
    want = {"version": GENERATOR_VERSION, "counties": counties, "villages": villages}
    paths = {
        "counties": cache / "counties",
        "villages": cache / "villages.xlsx",
        "village_units": cache / "village_units.xlsx",
        "summary": cache / "summary.xlsx",
    }
    if stamp.exists() and json.loads(stamp.read_text()) == want and all(p.exists() for p in paths.values()):
        return paths
    if cache.exists():
        shutil.rmtree(cache)
    cache.mkdir(parents=True)
    t = time.perf_counter()
    print(f"生成测试数据:{counties} 个县级填报表、{villages} 行村级明细……", flush=True)
    make_counties(paths["counties"], counties)
    make_villages(paths["villages"], villages, counties)
    make_village_units(paths["village_units"], villages, counties)
    make_summary(paths["summary"], paths["counties"])
    stamp.write_text(json.dumps(want))
    print(f"  用时 {time.perf_counter() - t:.0f} 秒", flush=True)
    return paths


# ---- measuring ----------------------------------------------------------------


def median_time(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def timed(fn: Callable[[], object]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def rounds(
    cases: dict[str, Callable[[], float]], repeat: int, budget: float | None = None
) -> dict[str, list[float]]:
    """Each case once per round, in turn, for ``repeat`` rounds; every case's times.

    This machine is shared and its speed drifts by a third within minutes
    (the same raw read took 4.7 s and 6.4 s in two runs of one afternoon):
    a ratio of a case and its baseline is taken per round, from runs made
    seconds apart, and its median reported.  With ``budget`` (seconds) no
    round starts once the rounds so far took that long.
    """
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(repeat):
        if budget is not None and sum(map(sum, times.values())) >= budget:
            break
        for name, fn in cases.items():
            times[name].append(fn())
    return times


def ratio(times: dict[str, list[float]], case: str, base: str) -> float:
    """Median over rounds of ``case`` / ``base`` (see :func:`rounds`)."""
    return statistics.median(a / b for a, b in zip(times[case], times[base], strict=True))


def med(times: dict[str, list[float]], case: str) -> float:
    return statistics.median(times[case])


class Cli:
    """`python -m assess ...` as a case for :func:`rounds`; keeps every run's CPU and memory."""

    def __init__(self, args: list[str]) -> None:
        self.args = args
        self.cpus: list[float] = []
        self.peak = 0.0  # largest single process, MiB
        self.tree = 0.0  # all processes together, MiB

    def __call__(self) -> float:
        t, peak = run_cli(self.args, 1)
        self.cpus.append(LAST_CPU[0])
        self.peak, self.tree = max(self.peak, peak), max(self.tree, LAST_TREE[0])
        return t

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)


def run_cli(args: list[str], repeat: int) -> tuple[float, float]:
    """Median wall time of a fresh `python -m assess ...` and its peak RSS in MiB.

    The median CPU time (user + system, the pool's workers included) is kept
    in ``LAST_CPU``: on two cores, wall time can never be below half of it.
    """
    times, peaks, cpus, trees = [], [], [], []
    for _ in range(repeat):
        t = time.perf_counter()
        with tempfile.TemporaryFile() as err:
            proc = subprocess.Popen(
                [sys.executable, "-m", "assess", *args], env=_env(), stdout=subprocess.DEVNULL, stderr=err
            )
            peak = [0]
            done = threading.Event()

            def sample(pid: int = proc.pid, peak: list[int] = peak, done: threading.Event = done) -> None:
                while not done.wait(0.1):
                    peak[0] = max(peak[0], _tree_rss(pid))

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            # A blocking wait returns the moment it ends (polling would round the time up).  wait4
            # gives this run's own usage: its CPU with the workers it reaped, and the peak of its
            # largest process (getrusage(RUSAGE_CHILDREN) keeps the largest child since this
            # script started, so a small run after a big one showed the big one's peak).
            _pid, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            times.append(time.perf_counter() - t)
            done.set()
            sampler.join()
            tree = peak[0]
            if proc.returncode not in (0, 1):
                err.seek(0)
                raise SystemExit(
                    f"assess 失败({proc.returncode}):{err.read()[-2000:].decode('utf-8', 'replace')}"
                )
        cpus.append(usage.ru_utime + usage.ru_stime)
        peaks.append(usage.ru_maxrss / 1024)
        trees.append(tree / 1024)
    LAST_CPU[0] = statistics.median(cpus)
    LAST_TREE[0] = max(trees)
    return statistics.median(times), max(peaks)


LAST_CPU = [0.0]
LAST_TREE = [0.0]  # peak of the summed RSS of the process and its children, MiB (Linux; 0 elsewhere)


def _tree_rss(pid: int) -> int:
    """KiB resident in ``pid`` and its descendants right now (Linux /proc; 0 elsewhere)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * _PAGE_KIB
            todo.extend(int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split())
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile, or no /proc
    return total


_PAGE_KIB = (os.sysconf("SC_PAGE_SIZE") // 1024) if hasattr(os, "sysconf") else 4


def raw_calamine(files: list[Path]) -> None:
    from python_calamine import CalamineWorkbook

    for f in files:
        wb = CalamineWorkbook.from_path(str(f))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()


def read_counties(plan: object, files: list[Path], jobs: int) -> None:
    """The reading step of `assess rank` alone: every county workbook through read_all."""
    from assess.workbook.load import read_all

    read_all(files, plan, jobs=jobs)  # type: ignore[arg-type]


def raw_parts(units: list[Path], files: dict[str, Path], spent: dict[str, list[float]]) -> float:
    """:func:`raw_calamine` of the units' workbooks and of each source's file, each part timed."""
    t = timed(lambda: raw_calamine(units))
    spent.setdefault("", []).append(t)
    for sid, f in files.items():
        dt = timed(lambda f=f: raw_calamine([f]))  # type: ignore[misc]
        spent.setdefault(sid, []).append(dt)
        t += dt
    return t


def read_sources(plan: object, files: dict[str, Path], spent: dict[str, list[float]]) -> float:
    """What `rank` reads before the units' workbooks: each other source through read_source.

    With the command's garbage-collection settings (assess/runtime.py), as `rank` reads them.
    """
    import gc

    from assess.runtime import tune_gc
    from assess.scheme.plan import Plan
    from assess.sources.merge import read_source

    assert isinstance(plan, Plan)
    total = 0.0
    before = gc.get_threshold()
    tune_gc()
    try:
        for spec in plan.sources:
            if spec.id in files:
                dt = timed(lambda spec=spec: read_source(spec, [files[spec.id]], plan))  # type: ignore[misc]
                spent.setdefault(spec.id, []).append(dt)
                total += dt
    finally:
        gc.set_threshold(*before)
    return total


_READ_ONE = """
import resource, sys, time
from pathlib import Path
from assess.commands.common import load_plan
from assess.workbook.details import read_details
from assess.workbook.summary import read_summary
kind, scheme, path = sys.argv[1:4]
plan = load_plan(scheme).read
t = time.perf_counter()
if kind == "summary":
    read_summary(Path(path), plan)
else:
    read_details(Path(path), plan.tables[0])
print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def read_in_child(kind: str, scheme: Path, path: Path, repeat: int) -> tuple[float, float]:
    """Median time and peak RSS (MiB) of reading one big table in a fresh process."""
    times, peaks = [], []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, "-c", _READ_ONE, kind, str(scheme), str(path)],
            env=_env(),
            capture_output=True,
            text=True,
            check=True,
        )
        t, peak = map(float, out.stdout.split())
        times.append(t)
        peaks.append(peak)
    return statistics.median(times), max(peaks)


def raw_openpyxl(files: list[Path]) -> None:
    from openpyxl import load_workbook

    for f in files:
        wb = load_workbook(f, read_only=True, data_only=True)
        for ws in wb.worksheets:
            for _row in ws.iter_rows(values_only=True):
                pass
        wb.close()


def rescore(scheme: Path, summary: Path, times: int) -> float:
    """Score, place and grade the whole cohort `times` times in-process, as sensitivity analysis does."""
    from assess.commands.common import load_plan, read_inputs
    from assess.scoring.array.core import FastCohort
    from assess.scoring.engine import prepare, score_prepared
    from assess.scoring.ranking import rank_cohort

    plan = load_plan(str(scheme))
    units = read_inputs(plan, [summary]).units
    prepared = [prepare(plan, u) for u in units]
    results = score_prepared(plan, prepared)
    rank_cohort(plan, results)
    cohort = FastCohort(plan, prepared, results)
    t = time.perf_counter()
    for _ in range(times):
        totals, cats = cohort.totals()
        cohort.standing(totals, cats)
    return time.perf_counter() - t


def render_times(scheme: Path, counties: Path, repeat: int) -> tuple[float, float]:
    """In-process: the ranking of every county rendered as Word-ready HTML and as xlsx."""
    from assess.commands.common import document, load_plan, read_inputs
    from assess.commands.rank import RANK_FORMAT, default_title
    from assess.render.ranking import render_ranking
    from assess.scoring.engine import score_units
    from assess.scoring.ranking import indicator_statistics, rank_cohort

    plan = load_plan(str(scheme))
    data = read_inputs(plan, [counties])
    results = score_units(plan, data.units)
    rank_cohort(plan, results)
    extra = {
        "title": default_title(plan),
        "issuer": None,
        "overall": False,
        "previous": None,
        "groups": [],
        "statistics": indicator_statistics(plan, results),
        "refused": [],
    }
    doc = document(plan, results, data.files, report_date=None, kind=RANK_FORMAT, extra=extra)
    html = median_time(lambda: render_ranking(plan, results, doc, "html"), repeat)
    xlsx = median_time(lambda: render_ranking(plan, results, doc, "xlsx"), repeat)
    return html, xlsx


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="300 个县、5 万行村级明细")
    ap.add_argument("--repeat", type=int, default=3, help="每项重复次数(取中位数)")
    ap.add_argument("--rescore", type=int, default=None, help="重复评分次数(默认:完整 1000,快速 100)")
    ap.add_argument("--cache", type=Path, default=HERE / ".cache")
    ap.add_argument(
        "--skip-village-units",
        action="store_true",
        help="不运行“村作为评分单位”一项(完整规模下每轮约 25 秒)",
    )
    ap.add_argument("--sources-only", action="store_true", help="只运行第 6 项(多来源)")
    ns = ap.parse_args()
    counties, villages = (300, 50_000) if ns.quick else (3000, 500_000)
    cache = ns.cache / ("quick" if ns.quick else "full")
    if ns.sources_only:
        cache.mkdir(parents=True, exist_ok=True)
        out = Path(tempfile.mkdtemp(prefix="assess-bench-"))
        print(
            f"机器:{platform.machine()},{os.cpu_count()} 核;Python {platform.python_version()};重复 {ns.repeat} 次取中位数"
        )
        multi_case(cache, counties, out, ns.repeat)
        shutil.rmtree(out, ignore_errors=True)
        return
    paths = prepare(cache, counties, villages)
    scheme = bench_scheme(cache)
    vscheme = village_scheme(cache)
    files = sorted(paths["counties"].glob("*.xlsx"))
    out = Path(tempfile.mkdtemp(prefix="assess-bench-"))
    r = ns.repeat
    print(
        f"机器:{platform.machine()},{os.cpu_count()} 核;Python {platform.python_version()};重复 {r} 次取中位数"
    )
    print(f"\n1. 批量县级填报表:{len(files)} 个(各项轮流运行,比值取每一轮之比的中位数)")
    from assess.commands.common import load_plan

    read_plan = load_plan(str(scheme)).read
    e2e = Cli(
        [
            "rank",
            "--force",  # the same output file every round
            "-s",
            str(scheme),
            str(paths["counties"]),
            "--format",
            "json",
            "-o",
            str(out / "r.json"),
            "-q",
        ]
    )
    brief = Cli(e2e.args[:-5] + ["--brief", "--format", "json", "-o", str(out / "b.json"), "-q"])
    c1 = rounds(
        {
            "cal": lambda: timed(lambda: raw_calamine(files)),
            "e2e": e2e,
            "brief": brief,
            "pool": lambda: timed(lambda: read_counties(read_plan, files, 0)),
            "single": lambda: timed(lambda: read_counties(read_plan, files, 1)),
        },
        r,
    )
    t_cal, t_e2e = med(c1, "cal"), med(c1, "e2e")
    t_opx = median_time(lambda: raw_openpyxl(files), max(1, r - 2))
    t_read1 = med(c1, "single")
    print(f"   calamine 单进程原始读取 {t_cal:7.2f} s")
    print(
        f"   assess 读取(read_all,单进程) {t_read1:7.2f} s  每个文件 {t_read1 / len(files) * 1000:.2f} ms;"
        f"比值 {ratio(c1, 'single', 'cal'):.2f}(目标 ≤ 1.7)"
    )
    print(
        f"   assess 读取(read_all,多进程) {med(c1, 'pool'):7.2f} s;比值 {ratio(c1, 'pool', 'cal'):.2f}(目标 ≤ 1.0)"
    )
    print(f"   openpyxl 只读模式读取   {t_opx:7.2f} s")
    print(
        f"   assess rank 端到端      {t_e2e:7.2f} s   CPU {e2e.cpu:.2f} s(含工作进程)   峰值内存 {e2e.peak:.0f} MiB"
    )
    print(
        f"   端到端 / calamine = {ratio(c1, 'e2e', 'cal'):.2f}(目标 ≤ 1.0);openpyxl / 端到端 = {t_opx / t_e2e:.1f}(目标 ≥ 5)"
    )
    print(
        f"   assess rank --brief 端到端 {med(c1, 'brief'):7.2f} s   CPU {brief.cpu:.2f} s   峰值内存 {brief.peak:.0f} MiB;"
        f"比值 {ratio(c1, 'brief', 'cal'):.2f}(精简排名表,不写计分依据)"
    )

    print(f"\n2. 村级明细:{villages} 行 × {VILLAGE_FIELDS} 列")
    agg = Cli(
        [
            "rank",
            "--force",  # the same output file every round
            "-s",
            str(scheme),
            str(paths["summary"]),
            "--details",
            str(paths["villages"]),
            "--format",
            "json",
            "-o",
            str(out / "a.json"),
            "-q",
        ]
    )
    c2 = rounds({"cal": lambda: timed(lambda: raw_calamine([paths["villages"]])), "agg": agg}, r)
    print(
        f"   calamine 读取明细 {med(c2, 'cal'):7.2f} s;汇总为 {counties} 个县并排名 {med(c2, 'agg'):7.2f} s,"
        f"峰值内存 {agg.peak:.0f} MiB(单个进程)/ {agg.tree:.0f} MiB(各进程同时合计)"
    )
    print(f"   比值 = {ratio(c2, 'agg', 'cal'):.2f}(目标 ≤ 1.5,内存 ≤ 2048 MiB)")
    t_vread, mem_vread = read_in_child("summary", vscheme, paths["village_units"], r)
    t_dread, mem_dread = read_in_child("details", scheme, paths["villages"], r)
    t_vcal = med(c2, "cal")
    print(
        f"   读取村级明细(read_details){t_dread:7.2f} s,峰值内存 {mem_dread:.0f} MiB;比值 {t_dread / t_vcal:.2f}(目标 ≤ 1.5)"
    )
    vil = Cli(
        [
            "rank",
            "--force",  # the same output file every round
            "-s",
            str(vscheme),
            str(paths["village_units"]),
            "--brief",  # the brief table: a full JSON of 500,000 villages is 1.6 GB (docs/output.md)
            "--format",
            "json",
            "-o",
            str(out / "v.json"),
            "-q",
        ]
    )
    c3_cases: dict[str, Callable[[], float]] = {
        "cal": lambda: timed(lambda: raw_calamine([paths["village_units"]]))
    }
    if not ns.skip_village_units:
        c3_cases["vil"] = vil
    c3 = rounds(c3_cases, r, budget=16.0 if ns.quick else None)
    t_vu_cal = med(c3, "cal")
    print(
        f"   读取村级汇总表(read_summary){t_vread:7.2f} s,峰值内存 {mem_vread:.0f} MiB;比值 {t_vread / t_vu_cal:.2f}(目标 ≤ 1.5)"
    )
    if not ns.skip_village_units:
        print(
            f"   calamine 读取村级汇总表 {t_vu_cal:7.2f} s;按县分组为村评分排名(--brief){med(c3, 'vil'):7.2f} s,"
            f"峰值内存 {vil.peak:.0f} MiB(单个进程)/ {vil.tree:.0f} MiB(各进程同时合计)"
        )
        print(f"   比值 = {ratio(c3, 'vil', 'cal'):.2f}(目标 ≤ 1.5,内存 ≤ 2048 MiB)")

    print(f"\n3. 文档渲染:{len(files)} 个单位的排名(进程内,不含读取)")
    render_html, render_xlsx = render_times(scheme, paths["counties"], r)
    print(f"   html 渲染 {render_html:6.2f} s,xlsx 渲染 {render_xlsx:6.2f} s")
    print(f"   渲染 / 读取 = {max(render_html, render_xlsx) / t_cal:.2f}(目标 ≤ 0.5)")

    print("\n4. 启动")
    t_pass = median_time(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), 5)
    t_help, _ = run_cli(["--help"], 5)
    t_ver, _ = run_cli(["--version"], 5)
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; import assess.cli; print(','.join(m for m in ('openpyxl','jinja2','python_calamine','pydantic') if m in sys.modules))",
        ],
        env=_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    print(f"   python -c pass {t_pass:.3f} s;assess --help {t_help:.3f} s;assess --version {t_ver:.3f} s")
    print(f"   导入 assess.cli 时载入的重模块:{probe.stdout.strip() or '无'}")

    times = ns.rescore or (100 if ns.quick else 1000)
    print(f"\n5. 重复评分:{counties} 个单位 × {times} 次(进程内,已读入的数据)")
    t_rs = rescore(scheme, paths["summary"], times)
    print(f"   用时 {t_rs:.2f} s;/ 一次读取 {t_cal:.2f} s = {t_rs / t_cal:.2f}(目标 < 5)")
    multi_case(cache, counties, out, r)
    shutil.rmtree(out, ignore_errors=True)


def multi_case(cache: Path, counties: int, out: Path, r: int) -> None:
    """6. The multi-source round: end to end against the raw read of every input file."""
    from assess.commands.common import load_plan
    from assess.sources.spec import KIND_WORDS

    scheme, folder, sources = prepare_multi(cache, counties)
    plan = load_plan(str(scheme))
    files = sorted(folder.glob("*.xlsx"))
    print(
        f"\n6. 多来源:{len(files)} 个只含本县数据的县级填报表;部门报表和目标任务表 {len(sources) - 1} 个"
        f"(各 {counties} 行);问题清单 {counties * FINDINGS_PER_UNIT} 行"
    )
    data = [a for sid, f in sources.items() for a in ("--data", f"{sid}={f}")]
    e2e = Cli(
        ["rank", "--force", "-s", str(scheme), str(folder), *data]
        + ["--format", "json", "-o", str(out / "m.json"), "-q"]
    )
    raw: dict[str, list[float]] = {}
    got: dict[str, list[float]] = {}
    c6 = rounds(
        {
            "cal": lambda: raw_parts(files, sources, raw),
            "e2e": e2e,
            "src": lambda: read_sources(plan, sources, got),
            "units": lambda: timed(lambda: read_counties(plan.own_read, files, 0)),
        },
        r,
    )
    t_cal = med(c6, "cal")
    raw_src = [sum(raw[sid][i] for sid in sources) for i in range(len(c6["cal"]))]  # per round
    print(
        f"   calamine 单进程原始读取全部输入 {t_cal:7.2f} s(县级填报表 {statistics.median(raw['']):.2f} s,"
        f"来源文件 {statistics.median(raw_src):.2f} s)"
    )
    print(
        f"   assess rank 端到端      {med(c6, 'e2e'):7.2f} s   CPU {e2e.cpu:.2f} s(含工作进程)   "
        f"峰值内存 {e2e.peak:.0f} MiB(单个进程)/ {e2e.tree:.0f} MiB(各进程同时合计)"
    )
    print(f"   端到端 / 原始读取 = {ratio(c6, 'e2e', 'cal'):.2f}(目标 ≤ 1.5)")
    src_ratio = statistics.median(a / b for a, b in zip(c6["src"], raw_src, strict=True))
    print(
        f"   读取来源(read_source,进程内)合计 {med(c6, 'src'):7.2f} s;对来源文件原始读取之比 {src_ratio:.2f}"
    )
    kinds = {s.id: KIND_WORDS.get(s.kind, s.kind) for s in plan.sources}
    for sid in sources:
        mine, base = statistics.median(got[sid]), statistics.median(raw[sid])
        print(f"     {sid}({kinds[sid]}){mine:7.3f} s,原始读取 {base:.3f} s,比值 {mine / base:.2f}")
    print(
        f"   读取县级填报表(read_all,多进程){med(c6, 'units'):7.2f} s;比值 {ratio(c6, 'units', 'cal'):.2f}"
        "(对全部输入的原始读取)"
    )


if __name__ == "__main__":
    main()
