"""The ``sources:`` section of a scheme: where each input value comes from.

A real assessment is fed by several parties: the unit's own workbook, a
department's sheet with one row per unit (财政, 统计, 教育…), a third-party
evaluator's scores, an inspection findings list (督查/暗访/审计), a table of
each unit's assigned targets, several raters' or quarters' sheets, last
round's rectification ledger (整改台账).  Each
source names the input keys it supplies, so a county's template asks only for
what the county reports and a value's basis can name the sheet it came from.
Kept apart from ``model.py`` because it is one topic with its own checks.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SourceKind = Literal["unit", "table", "findings", "ratings", "ledger"]
Combine = Literal["mean", "trimmed_mean", "median", "weighted", "sum"]
LedgerMeasure = Literal["completion", "on_time"]
LedgerEmpty = Literal["full", "missing", "not_applicable"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)


class FindingCount(_Model):
    """问题清单中计入一个字段(或扣分项、指标)的问题:按问题来源、类别和严重程度筛选。"""

    field: str = Field(description="计入的字段 id、指标 id 或扣分项 id;值为每个单位的问题个数(或折算个数)")
    origins: list[str] = Field(default_factory=list, description="计入的问题来源(如 督查、暗访);不写表示不限")
    categories: list[str] = Field(default_factory=list, description="计入的问题类别;不写表示不限")
    severities: dict[str, float] = Field(
        default_factory=dict,
        description="计入的严重程度及每个问题折算的个数(如 一般: 1, 严重: 2);不写表示不限,每个问题计 1 个",
    )


class LedgerRate(_Model):
    """整改台账中计入一个字段(或指标)的比率:问题整改完成率或按期整改率,按问题来源和类别筛选。"""

    field: str = Field(description="计入的字段 id 或直接填报的指标 id;值为百分比(75 表示 75%)")
    measure: LedgerMeasure = Field(
        "completion",
        description="completion 问题整改完成率 = 已完成 ÷ 问题总数;"
        "on_time 按期整改率 = 在整改时限内完成的 ÷ 截至统计日期已到整改时限的问题数",
    )
    origins: list[str] = Field(
        default_factory=list, description="计入的问题来源(如 督查、考核评估);不写表示不限"
    )
    categories: list[str] = Field(default_factory=list, description="计入的问题类别;不写表示不限")
    empty: LedgerEmpty = Field(
        "full",
        description="单位没有计入的问题时:full 按 100% 计(无整改问题);missing 按缺失处理;"
        "not_applicable 按不适用(缺项)处理",
    )


class Rater(_Model):
    """评分方:一个评议人、评议组、部门或一个季度;按文件名或工作表名认出。"""

    name: str
    weight: float | None = Field(None, gt=0, description="combine 为 weighted 时的权重")
    aliases: list[str] = Field(default_factory=list, description="文件名或工作表名中可能的其他写法")


class Source(_Model):
    """一个数据来源:单位自己的填报表、部门报表、第三方评估结果、问题清单、目标任务表、评议表。"""

    id: str = Field(description="来源编号,命令行 --data 编号=文件 中使用,也是来源文件夹的名字")
    name: str = Field(description="来源文件的名称,如 衔接资金支付进度表;写入得分依据")
    kind: SourceKind = Field(
        "table",
        description="unit 单位自己的填报表;table 每个单位一行的报表(部门数据、第三方评分、目标任务);"
        "findings 问题清单;ratings 多个评分方(评议人、季度)的评分表;"
        "ledger assess rectify 生成的整改台账(计算整改完成率、按期整改率)",
    )
    department: str | None = Field(None, description="提供数据的部门,如 市财政局、第三方评估机构")
    fields: list[str] = Field(
        default_factory=list,
        description="本来源提供的字段 id(或直接填报的指标、加分项、扣分项 id);unit 来源不写,提供其余全部字段",
    )
    aliases: list[str] = Field(default_factory=list, description="来源文件夹或文件名的其他写法")
    unit_column: str | None = Field(None, description="标明单位名称的列名(不写时按常见写法识别)")
    counts: list[FindingCount] = Field(default_factory=list, description="findings 来源:各字段计入哪些问题")
    combine: Combine | None = Field(
        None,
        description="ratings 来源的合成方法:mean 平均;trimmed_mean 去掉一个最高分和一个最低分后平均;"
        "median 中位数;weighted 按权重加权;sum 求和",
    )
    raters: list[Rater] = Field(
        default_factory=list, description="ratings 来源的评分方;不写时每个文件为一个评分方"
    )
    rates: list[LedgerRate] = Field(
        default_factory=list, description="ledger 来源:由整改台账计算哪些比率,计入哪一项"
    )
    as_of: dt.date | None = Field(
        None, description="ledger 来源的统计截止日期,如 2025-06-30;不写时取台账自己的统计截止日期"
    )
