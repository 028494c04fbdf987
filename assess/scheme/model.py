"""The scheme format as pydantic models: what a YAML scheme may say.

Pydantic validates shapes and single values; everything that needs the whole
scheme (ids, formulas, sums, bands in order) is checked in ``validate.py`` so
that all problems are reported at once with their YAML positions.  Field
descriptions are in Chinese because ``assess schema`` exports them as the
hover help of editors.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from assess.scheme.model_sources import Source

Direction = Literal["higher", "lower"]
Kind = Literal["number", "percent", "count", "amount", "bool", "score", "text", "rating"]
ColumnKind = Literal["number", "percent", "count", "amount", "bool", "score", "text"]
Levels = dict[str, Annotated[float, Field(ge=0)]]
MissingPolicy = Literal["zero", "exclude", "refuse"]
Within = Literal["group", "cohort"]
# The kinds of unit a scheme assesses: its ``level``, or a group's ``kind`` where one notice
# ranks several kinds (cities and provincial departments); words per level in assess/levels.py.
Level = Literal["province", "city", "county", "township", "village", "department"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)


# ---- scoring lines that may be a number or a data field (按本单位目标计分) ----------------

# The parameters of each rule that may name a data field instead of a number: each unit is
# then scored against its own value of that field (its own 目标任务).
FIELD_LINES: dict[str, tuple[str, ...]] = {
    "threshold": ("target",),
    "linear": ("floor", "target"),
    "ratio": ("target",),
    "step": ("baseline",),
    "base": ("target",),
}
_PERCENT_TEXT = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)\s*[%％‰]$")


def _line_value(value: object, positive: bool) -> object:
    """A number, or the id or name of a data field (checked against ``fields`` in validate_lines).

    A number written in quotes is the number; "60%" is a number written wrongly, not a field."""
    if isinstance(value, str):
        text = value.strip()
        if not text:
            raise ValueError("不能为空;应为数字,或数据字段的 id、名称(按本单位目标计分)")
        if _PERCENT_TEXT.match(text):
            raise PydanticCustomError("float_parsing", "Input should be a valid number")
        try:
            value = float(text)
        except ValueError:
            return text  # a field reference
    if value is None:
        raise PydanticCustomError("float_type", "Input should be a valid number")
    if not isinstance(value, (int, float)):
        raise ValueError(f"应为数字,或数据字段的 id、名称(按本单位目标计分),实际为“{str(value)[:40]}”")
    if not math.isfinite(value):
        raise PydanticCustomError("finite_number", "Input should be a finite number")
    if positive and value <= 0:
        raise PydanticCustomError("greater_than", "Input should be greater than {gt}", {"gt": 0})
    return value


def _any_line(value: object) -> object:
    return _line_value(value, False)


def _positive_line(value: object) -> object:
    return _line_value(value, True)


# A scoring line: a number, or a data field's id or name whose value each unit has its own of.
Line = Annotated[float | str, BeforeValidator(_any_line)]
PositiveLine = Annotated[Annotated[float, Field(gt=0)] | str, BeforeValidator(_positive_line)]
_OWN = ",或数据字段的 id、名称(按本单位目标计分:各单位取本单位该字段的值)"


def field_lines(rule: Any) -> dict[str, str]:
    """The parameters of ``rule`` that name a data field, with the name as written."""
    names = FIELD_LINES.get(getattr(rule, "type", ""), ())
    return {n: v for n in names if isinstance(v := rule.__dict__.get(n), str)}


class _Rule(_Model):
    by_group: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="按分组覆盖规则参数,如 {重点帮扶县: {target: 50}}",
    )


class Threshold(_Rule):
    """达标得满分,否则得 partial 分。"""

    type: Literal["threshold"]
    target: Line = Field(description="目标值" + _OWN)
    inclusive: bool = Field(True, description="恰好等于目标值是否算达标")
    partial: float = Field(0, ge=0, description="未达标时得分")


class Linear(_Rule):
    """在 floor 处得 0 分、在 target 处得满分,中间按比例。"""

    type: Literal["linear"]
    floor: Line = Field(description="得 0 分的值" + _OWN)
    target: Line = Field(description="得满分的值" + _OWN)


class Step(_Rule):
    """以 baseline 为起点,每偏离 step 扣 deduct 分,扣完为止。"""

    type: Literal["step"]
    baseline: Line = Field(description="满分基准值" + _OWN)
    step: float = Field(gt=0, description="每一档的幅度")
    deduct: float = Field(gt=0, description="每一档扣分")
    count: Literal["whole", "started", "exact"] = Field(
        "whole", description="不足一档:whole 不扣,started 按一档扣,exact 按比例扣"
    )


class Band(_Model):
    min: float | None = Field(None, description="下限(不写表示无下限)")
    max: float | None = Field(None, description="上限(不写表示无上限)")
    include_min: bool = Field(True, description="是否含下限")
    include_max: bool = Field(False, description="是否含上限")
    score: float | None = Field(None, ge=0, description="该档得分")
    share: float | None = Field(None, ge=0, le=1, description="该档得分占分值的比例")
    label: str | None = None

    @model_validator(mode="after")
    def _one_of_score_share(self) -> Band:
        if (self.score is None) == (self.share is None):
            raise ValueError("每一档须写 score(得分)或 share(得分比例)之一")
        return self


class Bands(_Rule):
    """分档计分。"""

    type: Literal["bands"]
    bands: list[Band] = Field(min_length=1)


class Ratio(_Rule):
    """按完成比例:得分 = 分值 × 实际值 / 目标值,不超过分值。"""

    type: Literal["ratio"]
    target: PositiveLine = Field(description="目标值(大于 0)" + _OWN)


class Rank(_Rule):
    """按排名赋分:scores 依名次给分,或第 1 名 first 分、其后每名减 step。"""

    type: Literal["rank"]
    scores: list[float] | None = None
    first: float | None = Field(None, ge=0)
    step: float | None = Field(None, ge=0)
    others: float = Field(0, ge=0, description="名次在表外的得分")
    within: Within = "group"


class Relative(_Rule):
    """与最好值或平均值相比按比例得分。"""

    type: Literal["relative"]
    to: Literal["best", "average"] = "best"
    at_average: float | None = Field(None, ge=0, description="等于平均值时得分")
    floor: float | None = Field(None, ge=0, description="最低得分")
    cap: float | None = Field(None, ge=0, description="最高得分")
    within: Within = "group"


class MinMax(_Rule):
    """极差法:[(本值 − 最低值)/(最高值 − 最低值) × span + base] / 100 × 分值。"""

    type: Literal["minmax"]
    base: float = Field(60, ge=0, le=100)
    span: float = Field(40, ge=0, le=100)
    within: Within = "group"


class Deduct(_Rule):
    """扣分制:问题个数 × 每个扣分,封顶。"""

    type: Literal["deduct"]
    per_item: float = Field(gt=0, description="每个问题扣分")
    cap: float | None = Field(None, description="本项扣分上限,默认为分值")
    cap_group: str | None = Field(None, description="共享扣分上限的组(见 deduct_groups)")


class Boolean(_Rule):
    """是/否:符合 expect 得满分,否则得 partial 分。"""

    type: Literal["boolean"]
    expect: bool = True
    partial: float = Field(0, ge=0)


class Direct(_Rule):
    """直接采信填报的得分(如第三方评估得分),限于 0 至分值。"""

    type: Literal["direct"]
    scale: float | None = Field(None, gt=0, description="填报得分的满分(如百分制 100),换算到分值")


class Base(_Rule):
    """基本分加减:达到目标值得基本分 base,每超过 per 加 above 分、每低于 per 扣 below 分,
    得分限于 min 至 max(max 不写为分值)。"""

    type: Literal["base"]
    target: Line = Field(description="目标值" + _OWN)
    base: float = Field(ge=0, description="恰好达到目标值时得的基本分")
    above: float = Field(0, ge=0, description="实际值每优于目标值一个 per 加的分")
    below: float = Field(0, ge=0, description="实际值每差于目标值一个 per 扣的分")
    per: float = Field(1, gt=0, description="加减分的幅度,按实际值的单位计(百分比指标为百分点)")
    max: float | None = Field(None, ge=0, description="最高得分(不大于分值);不写为分值")
    min: float = Field(0, ge=0, description="最低得分,如“扣完基本分为止”为 0")
    count: Literal["exact", "whole", "started"] = Field(
        "exact", description="不足一个 per 的部分:exact 按比例计,whole 不计,started 按一个计"
    )


class Ladder(_Rule):
    """按等次比例:填报的等次(如 已完成、基本完成、未完成)按所列比例得分,得分 = 比例 × 分值。"""

    type: Literal["ladder"]
    levels: dict[str, Annotated[float, Field(ge=0, le=1)]] = Field(
        description="各等次及其得分占分值的比例(0 至 1),如 {已完成: 1, 基本完成: 0.6, 未完成: 0}"
    )

    @model_validator(mode="after")
    def _words(self) -> Ladder:
        check_levels("rating", self.levels, False)
        return self


class BonusRule(_Rule):
    """加分:每项 per_item 分,或条件成立得满分。"""

    type: Literal["bonus"]
    per_item: float | None = Field(None, gt=0)


Rule = Annotated[
    Threshold
    | Linear
    | Step
    | Bands
    | Ratio
    | Rank
    | Relative
    | MinMax
    | Deduct
    | Boolean
    | Direct
    | Base
    | Ladder
    | BonusRule,
    Field(discriminator="type"),
]
RULE_TYPES = (
    "threshold",
    "linear",
    "step",
    "bands",
    "ratio",
    "rank",
    "relative",
    "minmax",
    "deduct",
    "boolean",
    "direct",
    "base",
    "ladder",
    "bonus",
)
COHORT_RULES = frozenset({"rank", "relative", "minmax"})


class Override(_Model):
    """得分调整:条件成立时,该项得分改为 score(或 share × 分值),在按计分规则得分之后判断;
    如“发现……的,该项不得分”“发生……的,本项得满分”。"""

    when: str = Field(description="条件公式,可用字段和 value(),如 重大舆情 == 1")
    score: float | None = Field(None, ge=0, description="条件成立时该项的得分(不大于分值)")
    share: float | None = Field(None, ge=0, le=1, description="条件成立时该项得分占分值的比例,如 1 为满分")
    reason: str = Field(description="理由,写入计分依据,如 发生造成恶劣影响的涉贫舆情事件")

    @model_validator(mode="after")
    def _one_of_score_share(self) -> Override:
        if (self.score is None) == (self.share is None):
            raise ValueError("得分调整须写 score(得分)或 share(得分比例)之一")
        return self


class RectifyFilter(_Model):
    """失分问题列入整改清单的标准(三项同时满足才列入);扣分项、一票否决事项和缺数据的指标总是列入。"""

    min_lost: float | None = Field(
        None, ge=0, description="失分至少多少分才列入整改清单(默认 0.5);0 表示不按失分筛选"
    )
    min_share: float | None = Field(
        None, ge=0, le=1, description="失分至少占该项分值的比例(0 至 1,默认 0.1 即 10%);0 表示不按比例筛选"
    )
    below_average: bool | None = Field(
        None, description="true 时只列入实际值差于平均值的指标(平均值取自评分结果的指标统计;默认 false)"
    )


class RectifyText(RectifyFilter):
    """整改文本模板;占位符 {name} {value} {target} {unit} {lost} {points} {score}。"""

    problem: str | None = Field(None, description="问题描述模板")
    measure: str | None = Field(None, description="整改措施模板")
    deadline_days: int | None = Field(None, ge=0, description="整改时限(天);0 表示立行立改")
    ongoing: bool = Field(False, description="长期坚持")


class Column(_Model):
    id: str
    name: str
    kind: ColumnKind = "number"
    unit: str | None = None
    aliases: list[str] = Field(default_factory=list)


class Table(_Model):
    """明细表:每行一个村、户或项目。"""

    id: str
    name: str = Field(description="表名,也是县级填报表中工作表的名称")
    unit_column: str = Field("所属单位", description="全省汇总明细中标明所属单位的列")
    aliases: list[str] = Field(default_factory=list)
    columns: list[Column] = Field(min_length=1)


class Aggregate(_Model):
    """由明细表计算的字段。"""

    table: str
    op: Literal["count", "count_where", "sum", "sum_where", "mean", "min", "max", "share_where"]
    column: str | None = None
    where: str | None = Field(None, description="条件公式,用明细表列的 id")


class DataField(_Model):
    """一个原始数据项:直接填报、由公式计算或由明细表汇总。"""

    id: str = Field(description="公式中引用的名字,可用中文")
    name: str
    code: str | None = Field(None, description="填报表中的指标编码")
    unit: str | None = None
    kind: Kind | None = None
    min: float | None = None
    max: float | None = None
    part_of: str | None = Field(None, description="不得大于的另一字段 id(部分不大于整体)")
    aliases: list[str] = Field(default_factory=list)
    source: str | None = None
    department: str | None = None
    formula: str | None = None
    aggregate: Aggregate | None = None
    required: bool = True
    levels: Levels | None = Field(
        None, description="评价等次及折合的数值,如 {好: 100, 较好: 85, 一般: 70, 较差: 50}"
    )

    @model_validator(mode="after")
    def _levels(self) -> DataField:
        check_levels(self.kind, self.levels, self.formula is not None or self.aggregate is not None)
        return self


class Indicator(_Model):
    id: str = Field(description="指标编码,如 1.2 或 1.2.3")
    name: str
    points: float = Field(ge=0, description="分值")
    unit: str | None = None
    kind: Kind | None = None
    direction: Direction = "higher"
    nature: Literal["binding", "expected"] | None = Field(None, description="约束性 / 预期性")
    department: str | None = Field(None, description="责任单位")
    source: str | None = Field(None, description="数据来源")
    standard: str | None = Field(None, description="评分标准原文")
    field: str | None = Field(None, description="取值的字段 id")
    formula: str | None = Field(None, description="计算公式,引用字段 id")
    average: Literal["mean", "pooled"] | float | None = Field(
        None,
        description="排名表统计中的平均值:mean 各单位算术平均,pooled 合计比率(分子之和 ÷ 分母之和),"
        "或写一个数(如方案公布的全省平均);不写时由两项数据相除得出的比率为 pooled,其余为 mean",
    )
    rule: Rule | None = None
    override: list[Override] = Field(
        default_factory=list,
        description="得分调整:按计分规则得分后,依次判断各条件,第一个成立的决定该项得分",
    )
    missing: MissingPolicy | None = None
    min: float | None = None
    max: float | None = None
    aliases: list[str] = Field(default_factory=list)
    rectify: RectifyText | None = None
    children: list[Indicator] = Field(default_factory=list, description="三级指标")
    levels: Levels | None = Field(
        None, description="评价等次及折合的数值,如 {好: 100, 较好: 85, 一般: 70, 较差: 50}"
    )
    groups: list[str] | None = Field(None, description="只考核这些分组(分组 id 或名称);不写表示各组都考核")

    @model_validator(mode="after")
    def _levels(self) -> Indicator:
        check_levels(self.kind, self.levels, self.formula is not None or self.field is not None)
        return self

    @field_validator("average", mode="before")
    @classmethod
    def _average(cls, value: object, info: ValidationInfo) -> object:
        """A pooled average needs a rate formula to pool; a yes/no indicator has a share instead."""
        from assess.scheme.rates import rate_parts

        if value is None:
            return value
        if (
            isinstance(value, bool)
            or not isinstance(value, (str, int, float))
            or (isinstance(value, str) and value not in ("mean", "pooled"))
        ):
            raise ValueError(f"average 应为 mean(算术平均)、pooled(合计比率)或一个数,实际为“{value}”")
        if info.data.get("kind") == "bool":
            raise ValueError("是否项在统计中列“是”的个数和占比,不写 average")
        if value == "pooled" and rate_parts(info.data.get("formula")) is None:
            raise ValueError(
                "average: pooled(合计比率)只用于由两项数据相除得出的指标,须写 formula,形如“分子 / 分母 * 100”"
            )
        return value


def check_levels(kind: str | None, levels: dict[str, float] | None, derived: bool) -> None:
    """A rating (kind rating) lists its words with their points; nothing else has levels."""
    if levels is None:
        if kind == "rating":
            raise ValueError(
                "kind 为 rating(评价等次)时须用 levels 列出各等次及折合的数值,如 {好: 100, 较好: 85}"
            )
        return
    if kind not in (None, "rating"):
        raise ValueError(f"levels(评价等次)只用于 kind: rating,不能与 kind: {kind} 同用")
    if derived:
        raise ValueError("levels(评价等次)只用于直接填报的值,不能与 formula、field 或 aggregate 同用")
    if len(levels) < 2:
        raise ValueError("levels(评价等次)至少列出两个等次")
    seen: dict[str, str] = {}
    for word in levels:
        key = level_key(word)
        if not key:
            raise ValueError("levels(评价等次)中有空白的等次名称")
        if key in seen:
            raise ValueError(f"levels(评价等次)中“{seen[key]}”与“{word}”写法相同,无法区分")
        seen[key] = word


def level_key(word: str) -> str:
    """A rating word as compared: full-width folded, spaces dropped, case ignored."""
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", str(word)).split()).casefold()


class Category(_Model):
    id: str
    name: str
    points: float = Field(ge=0)
    weight: float | None = Field(None, ge=0, le=1, description="权重(写了则按得分率 × 权重 × 满分计)")
    free_points: bool = Field(False, description="分值不必等于所含指标之和")
    department: str | None = None
    indicators: list[Indicator] = Field(min_length=1)


class DeductGroup(_Model):
    id: str
    name: str
    cap: float = Field(ge=0)


class BonusItem(_Model):
    id: str
    name: str
    points: float = Field(ge=0, description="本项最高加分")
    rule: BonusRule | Boolean | Direct = Field(discriminator="type")
    unit: str | None = None
    field: str | None = None
    department: str | None = None
    source: str | None = None
    missing: MissingPolicy | None = None
    groups: list[str] | None = Field(None, description="只有这些分组有此加分项;不写表示各组都有")


class Bonus(_Model):
    name: str = Field("加分项", description="本部分的名称,如 加分项、附加分")
    cap: float | None = Field(None, ge=0, description="加分合计上限")
    items: list[BonusItem] = Field(min_length=1)


class PenaltyItem(_Model):
    id: str
    name: str
    per_item: float = Field(gt=0, description="每个问题扣分")
    cap: float | None = Field(None, ge=0, description="本项扣分上限")
    unit: str | None = "个"
    field: str | None = None
    department: str | None = None
    source: str | None = None
    rectify: RectifyText | None = None


class Penalties(_Model):
    cap: float | None = Field(None, ge=0, description="扣分合计上限")
    items: list[PenaltyItem] = Field(min_length=1)


class Veto(_Model):
    id: str
    name: str
    when: str = Field(description="触发条件公式,如 规模性返贫 == 1")
    effect: Literal["lowest", "cap_grade", "zero"] = "lowest"
    grade: str | None = Field(None, description="effect 为 cap_grade 时最高可评等次")
    department: str | None = None
    rectify: RectifyText | None = None


class Part(_Model):
    """加权合成的一部分,如 日常考核 30% + 年终考核 70%。"""

    id: str
    name: str
    weight: float = Field(gt=0, le=1)
    source: Literal["categories", "field"] = "field"
    field: str | None = None
    scale: float = Field(100, gt=0, description="该部分得分的满分")


def _units_count(minimum: int) -> Any:
    """A number of units (a quota, an award list) for every group alike, or a mapping of
    groups to numbers; checked here so that a wrong value gets one message, not one per
    member of the union (true is not 1, "5 个" is not 5)."""

    def shown(value: object) -> str:
        return str(value).lower() if isinstance(value, bool) else str(value)[:40]

    def one(value: object, what: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{what}应为整数,实际为“{shown(value)}”")
        if value < minimum:
            raise ValueError(f"{what}应至少为 {minimum},实际为 {value}")
        return value

    def check(value: object) -> object:
        if isinstance(value, dict):
            return {str(k): one(v, f"分组“{k}”的个数") for k, v in value.items()}
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(
                f"应为个数(整数),或按分组写的映射,如 {{示范创建县: 2, 重点帮扶县: 3}},实际为“{shown(value)}”"
            )
        return one(value, "个数")

    return BeforeValidator(check)


# A number of units, or one per group (by the group's id, name or alias).
QuotaCount = Annotated[Annotated[int, Field(ge=0)] | dict[str, Annotated[int, Field(ge=0)]], _units_count(0)]
ListCount = Annotated[Annotated[int, Field(ge=1)] | dict[str, Annotated[int, Field(ge=1)]], _units_count(1)]


class Grade(_Model):
    name: str
    min: float = Field(description="总分下限(含)")
    quota: float | None = Field(None, description="占本组单位数的最高比例,0 至 1")
    quota_count: QuotaCount | None = Field(
        None,
        description="名额个数:一个数(各组或全体各几个),或按分组写,如 {示范创建县: 2, 重点帮扶县: 3};"
        "不与 quota 同写",
    )
    quota_within: Within = "group"


Places = int | str  # 3, or a share of the group written "10%" (checked in validate_grades)


class BarCondition(_Model):
    """等次限制的一个条件;各键同时满足,any 中至少一项、all 中每一项也须满足。"""

    when: str | None = Field(None, description="条件公式;veto 表示有一票否决事项")
    bottom: Places | None = Field(None, description="组内倒数几名以内,如 3;或倒数百分之几,如 10%")
    top: Places | None = Field(None, description="组内前几名以内,如 2;或前百分之几,如 10%")
    years: int = Field(1, ge=1, le=5, description="连续年数(上年名次取自 --previous 的上年结果)")
    within: Within = "group"
    any: list[BarCondition] | None = Field(None, description="其中至少一项成立(或)")
    all: list[BarCondition] | None = Field(None, description="其中每一项都成立(且)")


class Bar(BarCondition):
    """不得评为某等次的条件。"""

    grade: str = Field(description="不得评为此等次(及更高等次)")
    reason: str


def _veto_spec(value: object) -> object:
    """``veto`` of a consequence's condition: true, false, or vetoes' ids or names."""
    ok = isinstance(value, (bool, str)) or (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    )
    if not ok or value == "" or value == []:
        raise ValueError(
            f"veto 应为 true(有任一一票否决事项)、false(没有),或一票否决事项的 id、名称(可写列表),"
            f"实际为“{str(value)[:40]}”"
        )
    return value


class Condition(_Model):
    """结果运用的一个条件;各键同时满足,any 中至少一项、all 中每一项也须满足。"""

    grade: str | list[str] | None = Field(None, description="等次,如 一般、一般及以下、好及以上,或等次列表")
    when: str | None = Field(
        None, description="条件公式,可用字段、value()、score(),veto 表示有一票否决事项;如 规模性返贫风险 == 1"
    )
    veto: Annotated[bool | str | list[str], BeforeValidator(_veto_spec)] | None = Field(
        None,
        description="一票否决:true 有任一一票否决事项,false 没有;或写事项的 id、名称(列表中任一项触发即成立)",
    )
    bottom: Places | None = Field(None, description="组内倒数几名以内,如 3;或倒数百分之几,如 10%")
    top: Places | None = Field(None, description="组内前几名以内,如 2;或前百分之几,如 10%")
    years: int = Field(1, ge=1, le=5, description="连续年数(需上年结果)")
    within: Within = "group"
    any: list[Condition] | None = Field(None, description="其中至少一项成立(或)")
    all: list[Condition] | None = Field(None, description="其中每一项都成立(且)")


class Consequence(Condition):
    name: str = Field(description="如 约谈、通报批评、通报表扬")


class Award(_Model):
    """奖项:按名次(places)授予,或按名单个数(count、quota)依排名授予。"""

    name: str = Field(description="奖项或称号,如 第一名、一等奖、标兵县、先进县")
    places: Annotated[list[Annotated[int, Field(ge=1, strict=True)]], Field(min_length=1)] | None = Field(
        None, description="授予的名次,如 [1] 或 [1, 2, 3];并列的单位名次相同,一并授予"
    )
    count: ListCount | None = Field(
        None, description="名单个数:一个数,或按分组写,如 {示范创建县: 2, 重点帮扶县: 3}"
    )
    quota: float | None = Field(
        None, gt=0, le=1, description="名单比例:名单个数占本组(或全体)单位数的比例,0 至 1,如 0.1"
    )
    within: Within = "group"
    grade: str | list[str] | None = Field(None, description="须评为的等次,如 好、较好及以上,或等次列表")
    min: float | None = Field(None, description="须达到的总分(含)")


class Ranking(_Model):
    tie_break: list[str] = Field(default_factory=list, description="同分时依次比较的一级或二级指标 id")
    ties: Literal["shared", "dense"] = "shared"


class Rounding(_Model):
    decimals: int = Field(2, ge=0, le=6)
    mode: Literal["half_up", "half_even", "down"] = "half_up"


class Group(_Model):
    id: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    count: int | None = Field(None, ge=1, description="本组应参评的单位数;不写 units 时用于核对是否齐全")
    kind: Level | None = Field(None, description="本组单位的类别(如 department 省直部门);不写同方案的 level")
    drop: list[str] = Field(default_factory=list, description="本组不考核的指标 id")
    points: dict[str, Annotated[float, Field(ge=0)]] = Field(
        default_factory=dict, description="本组分值不同的指标:指标 id → 本组分值"
    )


class UnitEntry(_Model):
    name: str
    group: str | None = None
    ranked: bool = Field(
        True, description="是否参与排名:false 表示只评分、定等次,不排名、不占名次和名额(如新设立的区)"
    )


class Scheme(_Model):
    schema_version: Literal[1] = 1
    id: str
    title: str
    year: int = Field(ge=2000, le=2100)
    level: Level = "county"
    issuer: str | None = Field(None, description="发文单位")
    full_score: float = Field(100, gt=0)
    rounding: Rounding = Field(default_factory=Rounding)  # type: ignore[arg-type]
    missing: MissingPolicy = "zero"
    not_applicable: Literal["rescale_total", "rescale_category", "none"] = "rescale_total"
    groups: list[Group] = Field(default_factory=list)
    units: list[UnitEntry] = Field(default_factory=list)
    sources: list[Source] = Field(
        default_factory=list,
        description="数据来源(单位填报、部门报表、第三方评分、问题清单、目标任务、评议);不写表示全部来自单位填报表",
    )
    rectify: RectifyFilter | None = Field(
        None, description="失分问题列入整改清单的标准(assess rectify);指标的 rectify 中可另行规定"
    )
    tables: list[Table] = Field(default_factory=list)
    fields: list[DataField] = Field(default_factory=list)
    deduct_groups: list[DeductGroup] = Field(default_factory=list)
    categories: list[Category] = Field(min_length=1)
    bonus: Bonus | None = None
    penalties: Penalties | None = None
    vetoes: list[Veto] = Field(default_factory=list)
    composition: list[Part] = Field(default_factory=list)
    grades: list[Grade] = Field(default_factory=list)
    bars: list[Bar] = Field(default_factory=list)
    ranking: Ranking = Field(default_factory=Ranking)
    consequences: list[Consequence] = Field(default_factory=list)
    awards: list[Award] = Field(default_factory=list)
