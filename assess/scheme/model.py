"""The scheme format as pydantic models: what a YAML scheme may say.

Pydantic validates shapes and single values; everything that needs the whole
scheme (ids, formulas, sums, bands in order) is checked in ``validate.py`` so
that all problems are reported at once with their YAML positions.  Field
descriptions are in Chinese because ``assess schema`` exports them as the
hover help of editors.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

Direction = Literal["higher", "lower"]
Kind = Literal["number", "percent", "count", "amount", "bool", "score", "text", "rating"]
ColumnKind = Literal["number", "percent", "count", "amount", "bool", "score", "text"]
Levels = dict[str, Annotated[float, Field(ge=0)]]
MissingPolicy = Literal["zero", "exclude", "refuse"]
Within = Literal["group", "cohort"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)


class _Rule(_Model):
    by_group: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="按分组覆盖规则参数,如 {重点帮扶县: {target: 50}}",
    )


class Threshold(_Rule):
    """达标得满分,否则得 partial 分。"""

    type: Literal["threshold"]
    target: float = Field(description="目标值")
    inclusive: bool = Field(True, description="恰好等于目标值是否算达标")
    partial: float = Field(0, ge=0, description="未达标时得分")


class Linear(_Rule):
    """在 floor 处得 0 分、在 target 处得满分,中间按比例。"""

    type: Literal["linear"]
    floor: float = Field(description="得 0 分的值")
    target: float = Field(description="得满分的值")


class Step(_Rule):
    """以 baseline 为起点,每偏离 step 扣 deduct 分,扣完为止。"""

    type: Literal["step"]
    baseline: float = Field(description="满分基准值")
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
    target: float = Field(gt=0)


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
    "bonus",
)
COHORT_RULES = frozenset({"rank", "relative", "minmax"})


class RectifyText(_Model):
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
    missing: MissingPolicy | None = None
    min: float | None = None
    max: float | None = None
    aliases: list[str] = Field(default_factory=list)
    rectify: RectifyText | None = None
    children: list[Indicator] = Field(default_factory=list, description="三级指标")
    levels: Levels | None = Field(
        None, description="评价等次及折合的数值,如 {好: 100, 较好: 85, 一般: 70, 较差: 50}"
    )

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


class Bonus(_Model):
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


class Grade(_Model):
    name: str
    min: float = Field(description="总分下限(含)")
    quota: float | None = Field(None, description="占本组单位数的最高比例,0 至 1")
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


class Condition(_Model):
    """结果运用的一个条件;各键同时满足,any 中至少一项、all 中每一项也须满足。"""

    grade: str | list[str] | None = Field(None, description="等次,如 一般、一般及以下、好及以上,或等次列表")
    bottom: Places | None = Field(None, description="组内倒数几名以内,如 3;或倒数百分之几,如 10%")
    top: Places | None = Field(None, description="组内前几名以内,如 2;或前百分之几,如 10%")
    years: int = Field(1, ge=1, le=5, description="连续年数(需上年结果)")
    within: Within = "group"
    any: list[Condition] | None = Field(None, description="其中至少一项成立(或)")
    all: list[Condition] | None = Field(None, description="其中每一项都成立(且)")


class Consequence(Condition):
    name: str = Field(description="如 约谈、通报批评、通报表扬")


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


class UnitEntry(_Model):
    name: str
    group: str | None = None


class Scheme(_Model):
    schema_version: Literal[1] = 1
    id: str
    title: str
    year: int = Field(ge=2000, le=2100)
    level: Literal["province", "city", "county", "township", "village"] = "county"
    issuer: str | None = Field(None, description="发文单位")
    full_score: float = Field(100, gt=0)
    rounding: Rounding = Field(default_factory=Rounding)  # type: ignore[arg-type]
    missing: MissingPolicy = "zero"
    not_applicable: Literal["rescale_total", "rescale_category", "none"] = "rescale_total"
    groups: list[Group] = Field(default_factory=list)
    units: list[UnitEntry] = Field(default_factory=list)
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
