"""Every error and finding code, with what it means and what to do, in Chinese.

This is the one list of codes.  Call sites keep writing bare strings
(``Finding("bad-value", ...)``; ``code = "ledger"`` on an error class) so
creating a finding costs nothing more; ``tests/test_codes.py`` reads the
source of ``assess/`` and fails when a code used there has no entry here, or
an entry here is no longer used.  ``docs/messages.md`` is generated from this
list by ``python scripts/make_messages_doc.py`` (a test checks it is current).

Adding a code: write it at the call site, add one ``Code(...)`` below, run
``python scripts/make_messages_doc.py``.

Kinds:

- ``error``: an :class:`assess.errors.AssessError` subclass's ``code``; the
  command stops with exit code 2.  ``assess check`` also lists it as a finding.
- ``finding``: a :class:`assess.errors.Finding` that can have severity
  ``error`` (exit code 1); some of these codes are also used as a warning.
- ``warning``: a finding that is only ever a warning (提醒).

Plain data only: importing this module must stay cheap (no third-party import).
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS: dict[str, str] = {
    "error": "错误(命令停止)",
    "finding": "问题",
    "warning": "提醒",
}

# Where a code shows up, in the order the documentation lists them.
AREAS: tuple[str, ...] = ("命令", "方案", "数据", "评分", "整改")

# Codes ``scheme-<pydantic error type>`` are built in assess/scheme/messages.py;
# a type without its own entry falls back to this one.
SCHEME_FAMILY = "scheme-*"


@dataclass(frozen=True, slots=True)
class Code:
    """One code: what the user sees in ``findings[].code`` and in docs/messages.md."""

    code: str
    kind: str  # "error", "finding" or "warning" (see KINDS)
    area: str  # one of AREAS
    title: str  # a few words
    meaning: str  # what happened
    example: str  # a message as the user sees it
    fix: str  # what to do


def _c(code: str, kind: str, area: str, title: str, meaning: str, example: str, fix: str) -> Code:
    return Code(code, kind, area, title, meaning, example, fix)


# ---- errors: the command stops (exit code 2) ---------------------------------

_ERRORS = (
    _c(
        "error",
        "error",
        "命令",
        "无法继续",
        "无法继续执行的一般错误(没有更具体的代码时使用)。",
        "无法继续:……",
        "按信息中的说明处理;无法判断原因时,连同命令和文件向维护人员报告。",
    ),
    _c(
        "usage",
        "error",
        "命令",
        "用法错误",
        "命令的选项或参数不对:选项互相矛盾、日期或数值写法不对、文件不存在等。",
        "--as-of 的日期“2024-13-01”无效,应写成 2024-12-31 的形式",
        "按信息改正命令;用 `assess 命令 --help` 查看各选项的写法。",
    ),
    _c(
        "scheme",
        "error",
        "方案",
        "方案无法使用",
        "方案文件无法读取或解析(找不到、编码不是 UTF-8、YAML 语法错误、内容过多或嵌套过深),或校验后有错误。",
        "方案文件“方案.yaml”是 GBK/GB18030 编码,不是 UTF-8;请用记事本或编辑器另存为 UTF-8 后重试",
        "按信息中的行号和列号改正方案;用 `assess check 方案.yaml` 一次列出全部问题。",
    ),
    _c(
        "formula",
        "error",
        "方案",
        "公式无效",
        "方案中的公式(或 --set 等选项中的公式)有语法错误,或用了不允许的写法"
        "(属性、下标、其他函数、以下划线开头的名字、过大的指数等)。",
        "公式“脱贫人口 / (总人口”有语法错误(第 8 个字符附近)",
        "只使用四则运算、比较、and/or/not、x if 条件 else y,以及 min、max、abs、round、value、score 六个函数;"
        "见 docs/scheme.md 的公式一节。",
    ),
    _c(
        "workbook",
        "error",
        "数据",
        "文件无法读取",
        "数据文件无法读取:不存在、为空、没有权限、已损坏,或实际上不是 Excel 工作簿(如 PDF、网页、Excel 2003 XML)。",
        "无法读取“浏阳市.xlsx”:文件为空(0 字节),请重新导出或重新上传",
        "在 Excel 或 WPS 中打开该文件,另存为 .xlsx 后重新提交;文件为空或损坏时请填报单位重新发送。",
    ),
    _c(
        "unsafe-file",
        "error",
        "数据",
        "文件因安全原因被拒绝",
        "文件过大、压缩包展开后过大或成员过多(疑似 zip 炸弹)、XML 中含 DOCTYPE/ENTITY 等,按安全规则拒绝读取。",
        "无法读取“浏阳市.xlsx”:压缩包内文件过多(12000 个),疑似恶意文件",
        "向填报单位核实文件来源;请对方在 Excel 或 WPS 中重新另存为 .xlsx 后提交。限制见 docs/security.md。",
    ),
    _c(
        "encrypted",
        "error",
        "数据",
        "文件已加密",
        "工作簿设有打开密码,无法读取。",
        "无法读取“浏阳市.xlsx”:文件已加密(设有打开密码),请在 Excel 或 WPS 中取消密码后另存再提交",
        "在 Excel 或 WPS 中输入密码打开,取消密码后另存,再重新运行。",
    ),
    _c(
        "data",
        "error",
        "评分",
        "数据无法评分",
        "数据已读取但无法使用:方案规定缺数据时不予评分而数据缺失,或评分结果、上年结果文件不是 assess 的输出、格式不对。",
        "单位“浏阳市”的指标 1.2“脱贫人口人均纯收入增幅”未填报;方案规定缺数据时不予评分",
        "补齐信息中指出的数据;评分结果、上年结果文件请使用 assess score / rank 输出的原文件。",
    ),
    _c(
        "ledger",
        "error",
        "整改",
        "台账或问题清单无法使用",
        "整改台账或督查发现问题清单无法读取或结构不对:不是 assess 生成的台账、缺少必需的列、"
        "由更新版本生成、正被 Excel 或 WPS 打开,或有需要先改正的问题。",
        "台账 整改台账.xlsx 有 2 处问题,未作任何修改,请改正后重试:",
        "关闭正在打开台账的 Excel 或 WPS;按信息中列出的单元格改正后重新运行。台账未被修改。",
    ),
    _c(
        "output",
        "error",
        "命令",
        "输出无法写入",
        "输出文件无法写入:文件夹不存在、没有写入权限、磁盘已满、文件被占用,或台账正被另一个 assess 进程更新。",
        "输出文件夹“out/排名”不存在",
        "检查 -o 指定的位置是否存在、是否可写;关闭打开该文件的程序;稍后重试。",
    ),
    _c(
        "office",
        "error",
        "命令",
        "办公软件转换失败",
        "调用 LibreOffice 或 poppler 工具转换文档、生成图片失败(未安装、超时或转换出错)。",
        "找不到 LibreOffice(soffice),无法转换文档",
        "安装 LibreOffice(及 poppler-utils),或改用不需要转换的输出格式(如 html、doc)。",
    ),
)

# ---- scheme: YAML and shape (assess/scheme/yamltree.py, messages.py) ----------

_SCHEME_YAML = (
    _c(
        "scheme-yaml-tag",
        "finding",
        "方案",
        "不允许的 YAML 标签",
        "方案中用了 `!!python/object` 等 YAML 标签;方案只能使用普通的映射、列表、文字和数字。",
        "不允许的 YAML 标签“!!python/object”;方案只能使用普通的映射、列表和文字、数字",
        "删除该标签,直接写出取值。",
    ),
    _c(
        "scheme-yaml-value",
        "finding",
        "方案",
        "无法识别的取值",
        "YAML 无法解析的取值(如格式不对的日期、时间)。",
        "无法识别的取值“2024-02-30”",
        "改正取值;如是文字,请加引号。",
    ),
    _c(
        "scheme-yaml-merge",
        "finding",
        "方案",
        "不支持合并键",
        "方案中用了 YAML 合并键“<<”。",
        "不支持 YAML 合并键“<<”;请把内容直接写出",
        "把要合并的内容直接写在该处。",
    ),
    _c(
        "scheme-yaml-key",
        "finding",
        "方案",
        "键不是文字",
        "映射的键是列表或映射,不是简单的文字。",
        "键必须是简单的文字,不能是列表或映射",
        "把键改为简单的文字,如 `name:`。",
    ),
    _c(
        "scheme-duplicate-key",
        "finding",
        "方案",
        "键重复",
        "同一映射中同一个键出现两次;只保留第一次的取值。",
        "键“points”重复出现(第 12 行已有);只保留第一次的取值",
        "删除多余的一个,或改正写错的键名。",
    ),
    _c(
        "scheme-missing",
        "finding",
        "方案",
        "缺少必填项",
        "缺少必须写的键。",
        "缺少必填项“points”",
        "补写该键;各键是否必填见 docs/scheme.md。",
    ),
    _c(
        "scheme-extra-forbidden",
        "finding",
        "方案",
        "未知的键",
        "方案中有格式不认识的键,多半是拼写错误;信息中附最相近的键名。",
        "未知的键“pionts”;是否应为“points”?",
        "改为正确的键名,或删除该键。",
    ),
    _c(
        "scheme-union-tag-invalid",
        "finding",
        "方案",
        "未知的计分规则类型",
        "计分规则的 type 不是可用的类型之一。",
        "未知的计分规则类型“threshhold”;此处可用的类型:threshold、linear、step、bands……",
        "把 type 改为信息中列出的类型之一。",
    ),
    _c(
        "scheme-union-tag-not-found",
        "finding",
        "方案",
        "计分规则缺少类型",
        "计分规则没有写 type。",
        "缺少“type”;计分规则须写明类型,可用的类型:threshold、linear……",
        "补写 type,如 `type: threshold`。",
    ),
    _c(
        "scheme-finite-number",
        "finding",
        "方案",
        "不是有限的数字",
        "取值是 .nan、.inf 等非有限数。",
        "应为有限的数字,实际为“inf”",
        "写一个普通的数字。",
    ),
    _c(
        "scheme-literal-error",
        "finding",
        "方案",
        "取值不在可选范围",
        "该键只能取几个固定的值之一。",
        "取值“hihger”无效;应为 higher、lower 之一",
        "改为信息中列出的取值之一。",
    ),
    _c(
        "scheme-too-short",
        "finding",
        "方案",
        "列表为空",
        "该列表至少要有一项(如一级指标下的 indicators、分档规则的 bands)。",
        "不能为空,至少要有一项",
        "补写至少一项,或删除该键。",
    ),
    _c(
        "scheme-value-error",
        "finding",
        "方案",
        "取值不符合要求",
        "取值不符合该项的要求(具体原因见信息)。",
        "取值无效",
        "按信息改正。",
    ),
    _c(
        SCHEME_FAMILY,
        "finding",
        "方案",
        "取值无效(其他)",
        "以“scheme-”开头、本表未单独列出的代码:方案格式校验发现的其他取值问题,代码后半部分是问题类型。",
        "取值“……”无效",
        "按信息中的行号、列号和键名改正;对照 docs/scheme.md 中该键的说明。",
    ),
)

# The pydantic types worded as "应为<类型>": one entry each, the same text.
_TYPE_WORDS: tuple[tuple[str, str], ...] = (
    ("float-type", "数字"),
    ("float-parsing", "数字"),
    ("int-type", "整数"),
    ("int-parsing", "整数"),
    ("int-parsing-size", "整数"),
    ("int-from-float", "整数"),
    ("string-type", "文字"),
    ("bool-type", "是否值"),
    ("bool-parsing", "是否值"),
    ("list-type", "列表"),
    ("dict-type", "映射"),
    ("model-type", "映射"),
    ("model-attributes-type", "映射"),
)
_TYPE_EXAMPLES = {
    "数字": "应为数字,实际为“四十”",
    "整数": "应为整数,实际为“2.5”",
    "文字": '应为文字,实际为数字“1.10”;编码等请加引号,如 "1.10"',
    "是否值": "应为是否值(true 或 false),实际为“是的”",
    "列表": "应为列表,实际为“A01”",
    "映射": "应为映射(键: 值),实际为“threshold”",
}
_SCHEME_TYPES = tuple(
    _c(
        f"scheme-{t}",
        "finding",
        "方案",
        f"应为{word}",
        f"该键的取值应为{word},实际写成了别的类型或写法(也可能是留空)。",
        _TYPE_EXAMPLES[word],
        f"改写为{word};文字形式的编码(如 1.10)请加引号,列表用“- ”或 [ ] 书写。",
    )
    for t, word in _TYPE_WORDS
)
_SCHEME_BOUNDS = tuple(
    _c(
        f"scheme-{t}",
        "finding",
        "方案",
        f"取值超出范围({sign})",
        "数字超出该键允许的范围(如分值须大于 0,比例须在 0 至 1 之间)。",
        f"取值 -2 超出范围;应 {sign} 0",
        "改为范围内的数字;百分比按小数写,如 30% 写 0.3。",
    )
    for t, sign in (
        ("greater-than", ">"),
        ("greater-than-equal", "≥"),
        ("less-than", "<"),
        ("less-than-equal", "≤"),
    )
)

# ---- scheme: whole-scheme checks (assess/scheme/validate_*.py) ---------------

_SCHEME_CHECKS = (
    _c(
        "duplicate-id",
        "finding",
        "方案",
        "编码或名称重复",
        "指标编码、字段、等次、单位或分组别名在方案中重复。",
        "指标编码“1.2”重复(第 40 行已使用)",
        "改为不重复的编码或名称。",
    ),
    _c(
        "unknown-name",
        "finding",
        "方案",
        "引用了未定义的名称",
        "公式、汇总、部分、同分比较项等引用的字段、指标、明细表、列或扣分组未定义。",
        "公式“脱贫人口 / 总人口”引用了未定义的“总人口”",
        "改正名称,或在方案中先定义它(fields、tables、deduct_groups 等)。",
    ),
    _c(
        "unknown-grade",
        "finding",
        "方案",
        "等次未定义",
        "一票否决、等次限制或结果运用中写的等次不在 grades 中。",
        "等次“较差”未在 grades 中定义",
        "改为 grades 中已有的等次名称。",
    ),
    _c(
        "unknown-group",
        "finding",
        "方案",
        "分组未定义",
        "方案中引用的分组未在 groups 中定义;或填报表中填写的分组不是方案中的分组(附最相近的名称)。",
        "分组“重点帮扶县”未在 groups 中定义",
        "改为 groups 中已有的分组编号、名称或别名;填报表中的请按方案改正。",
    ),
    _c(
        "field-source",
        "finding",
        "方案",
        "字段取值方式冲突",
        "同一字段同时写了 formula 和 aggregate。",
        "字段“行政村数”不能同时有 formula 和 aggregate",
        "只保留其中一种。",
    ),
    _c(
        "value-source",
        "finding",
        "方案",
        "指标取值方式冲突",
        "同一指标同时写了 field 和 formula。",
        "指标 1.2 不能同时有 field 和 formula",
        "只保留其中一种。",
    ),
    _c(
        "formula-ref",
        "finding",
        "方案",
        "value()/score() 引用不当",
        "公式中 value() 或 score() 的用法不允许:引用由三级指标合计的指标、引用排在后面的指标,或在不能引用的位置使用。",
        '公式“value("3.1") * 2”中 value("3.1") 无效:只能引用排在本指标之前的指标',
        "改为引用排在前面的(三级)指标,或改用 score();见 docs/scheme.md。",
    ),
    _c(
        "formula-cycle",
        "finding",
        "方案",
        "公式循环引用",
        "几个字段的公式互相引用,无法计算。",
        "公式循环引用:人均收入 → 总收入 → 人均收入",
        "改写公式,去掉循环。",
    ),
    _c(
        "aggregate",
        "finding",
        "方案",
        "汇总方式缺少参数",
        "aggregate 的汇总方式缺少必须的 column 或 where。",
        "汇总方式 sum 须写 column(汇总哪一列)",
        "补写 column(汇总哪一列)或 where(条件)。",
    ),
    _c(
        "rule",
        "finding",
        "方案",
        "计分规则有误",
        "计分规则缺失、多余或参数不合理(得分大于分值、floor 与 target 相等或方向不符、排名赋分缺 scores 等)。",
        "指标 1.2 的 floor 与 target 相等(60),无法按比例计分",
        "按信息改正该指标的 rule;各规则的参数见 docs/scheme.md。",
    ),
    _c(
        "bands",
        "finding",
        "方案",
        "分档有误",
        "分档规则中某档得分大于分值、下限不小于上限、区间重叠或顺序混乱。",
        "指标 2.1 第 2 档与第 3 档区间重叠",
        "按从高到低(或从低到高)排列各档,使区间首尾相接、互不重叠。",
    ),
    _c(
        "bands-gap",
        "warning",
        "方案",
        "分档之间有空隙",
        "相邻两档之间有空隙,落在空隙中的值不属于任何一档,不得分。",
        "指标 2.1 第 1 档与第 2 档之间有空隙(80 至 85 之间的值不属于任何一档,不得分)",
        "核对评分细则;如确有空隙可不处理,否则调整上下限使各档相接。",
    ),
    _c(
        "cap-unreachable",
        "warning",
        "方案",
        "上限达不到",
        "按计分规则任何取值都得不到指标的满分(各档、名次得分或 cap 低于分值,极差法 base + span 小于 100,"
        "目标值超出字段声明的取值范围);或扣分上限、扣分组上限、加分合计上限大于可能扣(加)的分数,永远达不到。",
        "指标 2.1 各档得分最高为 4,达不到分值 5,任何单位都得不到满分",
        "核对评分细则中的分值与各档得分、目标值和上限;确属有意的可不处理。",
    ),
    _c(
        "grade-unreachable",
        "finding",
        "方案",
        "等次分数线过高",
        "等次的分数线高于满分与加分上限之和,任何单位都评不上(错误);"
        "高于满分但不高于满分加加分上限,只有得到加分的单位才能评上(提醒)。",
        "等次“好”的分数线 900 高于满分 100,任何单位都评不上",
        "核对分数线(常见为多写或少写一位);等次分数线应不高于满分。",
    ),
    _c(
        "empty-group",
        "warning",
        "方案",
        "分组为空",
        "方案的 units 写明了各单位的分组,但某个分组没有任何单位;或某个扣分组没有指标使用。",
        "分组“重点帮扶县”在 units 中没有任何单位;按分组计算的排名、名额和分组参数对它不起作用",
        "核对 units 中各单位的 group,或删去不用的分组、扣分组。",
    ),
    _c(
        "id-fullwidth",
        "warning",
        "方案",
        "编码含全角字符",
        "编码中有全角数字、字母、符号或空格(如“１.２”);公式和填报表的编码按半角读取,与它对不上。",
        "指标编码“１.２”中含有全角字符“１２”;公式和填报表的编码都按半角读取,请改为“1.2”",
        "在英文(半角)输入状态下重新输入编码。",
    ),
    _c(
        "id-lookalike",
        "finding",
        "方案",
        "编码或名称看起来相同",
        "两个编码或名称只差全角半角、空格或看不见的字符,看起来相同,填报表和公式无法区分。",
        "指标编码“１.１”与第 10 行的“1.1”看起来相同(只差全角半角、空格或看不见的字符);请统一写法",
        "改为明显不同的编码或名称,或统一为同一写法并删去重复的一项。",
    ),
    _c(
        "duplicate-name",
        "finding",
        "方案",
        "字段名称重复",
        "两个字段(或明细表的两列)的名称、别名或编码相同;填报表按编码、名称和别名找到字段,公式也可用名称,"
        "无法区分这两项。",
        "字段“b”的名称“脱贫人口”与第 6 行字段“a”的名称相同;填报表和公式无法区分这两项",
        "改为不重复的名称或别名。",
    ),
    _c(
        "points-sum",
        "finding",
        "方案",
        "分值之和不符",
        "一级指标分值不等于所含指标分值之和,或二级指标分值不等于三级指标之和(错误);"
        "各一级指标分值之和不等于满分(提醒)。",
        "一级指标“产业振兴”分值 20 不等于所含指标分值之和 18(如确属不同,请写 free_points: true)",
        "核对各项分值;确属不同的,在一级指标中写 `free_points: true`。",
    ),
    _c(
        "weights",
        "finding",
        "方案",
        "权重有误",
        "一级指标或合成部分的权重之和不为 1,或只有部分一级指标写了 weight。",
        "一级指标权重之和为 0.9,应为 1",
        "使权重之和为 1;要么都写 weight,要么都不写。",
    ),
    _c(
        "composition",
        "finding",
        "方案",
        "合成方式有误",
        "composition 中 source: categories 的部分不是恰好一项。",
        "composition 中须有且只有一项 source: categories",
        "保留恰好一项 `source: categories`。",
    ),
    _c(
        "grades-order",
        "finding",
        "方案",
        "等次顺序有误",
        "等次没有按分数线从高到低排列。",
        "等次须按分数线从高到低排列:“良好”的下限 90 不低于“优秀”的 90",
        "按分数线从高到低排列 grades,下限依次降低。",
    ),
    _c(
        "quota",
        "finding",
        "方案",
        "等次比例有误",
        "等次比例限制不在 0 至 1 之间。",
        "等次“优秀”的比例 30 应在 0 至 1 之间(如 30% 写 0.3)",
        "按小数书写比例,如 30% 写 0.3。",
    ),
    _c(
        "consequence",
        "finding",
        "方案",
        "结果运用有误",
        "结果运用(约谈、通报等)缺少触发条件,同时写了 bottom 和 top,名次比例写法有误,或 any / all 为空。",
        "结果运用“约谈”须写 grade、bottom、top、any 或 all 中至少一项",
        "写明 grade、bottom、top、any 或 all 中的一项;名次写整数(如 3)或百分比(如 10%)。",
    ),
    _c(
        "bar",
        "finding",
        "方案",
        "等次限制有误",
        "等次限制(不得评为某等次)缺少条件,同时写了 bottom 和 top,名次比例写法有误,any / all 为空,"
        "或连续年数(years)没有与名次(bottom、top)同写。",
        "等次限制“连续两年排名末位的不得评为“好””的 years 须与 bottom 或 top 同写",
        "写明 when、bottom、top、any 或 all 中的一项;years 只用于名次条件(上年名次取自 --previous)。",
    ),
    _c(
        "rectify-template",
        "finding",
        "方案",
        "整改模板有误",
        "方案中整改问题模板的花括号不成对或占位符无效(检查方案时为错误);"
        "整改时遇到无法使用的模板,改用默认表述(提醒)。",
        "整改模板中的占位符“{单位}”无效;可用的占位符:{name} {value} {target} {unit} {lost} {points} {score}",
        "改正模板;花括号本身请写 {{ 或 }};可用的占位符见 docs/rectify.md。",
    ),
)

# ---- data: reading and checking workbooks (assess/workbook/) -----------------

_DATA = (
    _c(
        "unreadable",
        "finding",
        "数据",
        "文件无法读取",
        "一批数据文件中有一个无法读取(不存在、损坏、已加密、因安全原因被拒绝,或读取时发生意外错误);"
        "该文件未计入,其余文件照常处理。",
        "无法读取“浏阳市.xlsx”:文件已加密(设有打开密码),请在 Excel 或 WPS 中取消密码后另存再提交",
        "按信息处理该文件(通常是在 Excel 或 WPS 中打开后另存为 .xlsx),再重新运行。",
    ),
    _c(
        "own-output",
        "warning",
        "数据",
        "跳过 assess 生成的文件",
        "数据文件夹中有 assess 自己生成的输出(排名表、得分表等),不作为填报数据读取。",
        "“考核结果排名.xlsx”是 assess 生成的排名表,不作为填报数据读取",
        "无需处理;也可把输出写到数据文件夹以外。",
    ),
    _c(
        "blank-template",
        "warning",
        "数据",
        "跳过空白模板",
        "文件是尚未填写的填报模板,没有任何数据,不作为单位读取。",
        "“填报模板.xlsx”是尚未填写的填报模板(没有任何数据),不作为单位读取",
        "无需处理;如该单位应已填报,请向其索取填好的文件。",
    ),
    _c(
        "ambiguous-sheet",
        "finding",
        "数据",
        "工作表名称相近",
        "有多个工作表名称仅全角/半角或空格不同:能确定读哪一个时为提醒,无法确定时为错误。",
        "工作表“填报表”与“填报表 ”名称仅全角/半角或空格不同,已读取“填报表”,请删除或改名多余的工作表",
        "删除或改名多余的工作表。",
    ),
    _c(
        "missing-field",
        "finding",
        "数据",
        "缺少指标",
        "方案要求的指标在表中找不到(县级填报表缺少该行,汇总表缺少该列)。",
        "缺少指标“脱贫人口人均纯收入”(编码 A03)的填报行",
        "用 `assess template` 生成的模板填报,不要删除或改名指标行、列。",
    ),
    _c(
        "missing-value",
        "finding",
        "数据",
        "未填写",
        "必填指标的值为空。",
        "“脱贫人口人均纯收入”未填写(不适用的请填“不适用”)",
        "补填数值;该指标对本单位不适用的,填“不适用”。",
    ),
    _c(
        "unknown-field",
        "warning",
        "数据",
        "多出的指标",
        "表中有方案里没有的指标:名称相近的逐条提醒(附最相近的名称),其余每个工作表合并为一条;这些行未读取。",
        "方案中没有指标“脱贫人口人均收入”,是否为“脱贫人口人均纯收入”?",
        "名称写错的,改为方案中的名称;确属多出的可不处理。",
    ),
    _c(
        "duplicate-field",
        "finding",
        "数据",
        "指标重复填报",
        "同一指标在表中填报了两次,以第一次为准。",
        "指标“行政村数”重复填报(首次在 填报表!D12),以首次为准",
        "删除多余的一行。",
    ),
    _c(
        "bad-value",
        "finding",
        "数据",
        "值无法识别",
        "单元格的值无法识别为数值:文字、日期、错误值(#DIV/0! 等)、没有保存计算结果的公式;识别规则见 docs/workbooks.md 第 5 节。",
        "“农村居民人均可支配收入”的值无效:应为数值,实际为文字“约两万”",
        "改填数字;公式单元格请在 Excel 或 WPS 中打开并保存后再提交。",
    ),
    _c(
        "likely-fraction",
        "finding",
        "数据",
        "百分数疑似填成了小数",
        "百分数指标填了大于 0、小于 1 的数(如 0.85),而该指标的计分标准(目标值、分档界限等)都在 20% 以上,"
        "按 0.85% 计分显然不合常理,多半是把 85% 写成了小数(见 docs/workbooks.md 5.1)。评分仍按填写的数计,"
        "但 score、rank 以退出码 1 结束并列出该单元格。",
        "“农村自来水普及率”填为 0.85,按 0.85% 计明显偏低(本项计分以 85% 为界),多半是把 85% 写成了小数;"
        "如本意为 85%,请填写 85",
        "改填百分数,如 85 或 85%;确是不足 1% 的,请在“说明或佐证”列写明并报考核办核实。",
    ),
    _c(
        "suspect-percent",
        "warning",
        "数据",
        "疑似百分数写法不对",
        "百分数指标填了小于 1 且小数超过两位的数(如 0.823),按 0.823% 读取;可能本意是 82.3%(见 docs/workbooks.md 5.1)。",
        "“脱贫劳动力务工率”数值 0.823 小于 1,按 0.823% 读取;如本意为 82.3%,请填写 82.3",
        "核实后直接填写百分数,如 82.3 或 82.3%;确是 0.823% 的可不处理。",
    ),
    _c(
        "unit-mismatch",
        "finding",
        "数据",
        "计量单位不符",
        "填写的计量单位与方案要求不同,且无法换算。",
        "指标“产业资金”的计量单位填为“亩”,方案要求“万元”,无法换算,请核实",
        "按方案要求的单位填写,或改正单位列。",
    ),
    _c(
        "out-of-range",
        "finding",
        "数据",
        "超出范围",
        "数值低于下限、超过上限或数量为负(错误);未设上限的百分数不在 0~100% 之间(提醒)。",
        "“监测对象人数”为 -3,数量不能为负数",
        "核实并改正数值。",
    ),
    _c(
        "not-integer",
        "warning",
        "数据",
        "应为整数",
        "人数、个数等指标填了小数。",
        "“行政村数”为 12.5,应为整数",
        "核实并填写整数。",
    ),
    _c(
        "part-exceeds-whole",
        "finding",
        "数据",
        "部分大于总数",
        "部分指标的值大于它所属的总数,如“消除风险人数”大于“监测对象人数”。",
        "“消除风险人数”(120)大于“监测对象人数”(100),部分不应超过总数",
        "核实两项数值并改正。",
    ),
    _c(
        "year-mismatch",
        "finding",
        "数据",
        "年度不符",
        "填报表中的年度与方案年度不同。",
        "填报年度为 2023 年,与考核方案年度 2024 年不一致",
        "确认使用了当年的填报表和方案;改正填报年度。",
    ),
    _c(
        "unknown-unit",
        "finding",
        "数据",
        "单位不在名单中",
        "单位名称不在方案的单位名单中,附最相近的名称(错误);"
        "明细表中有、但没有任何填报数据的单位(提醒,注明行数)。",
        "单位“浏阳县”不在考核方案的单位名单中;是否为“浏阳市”?",
        "按方案单位名单改正单位名称;明细表中多出的单位核实后可不处理。",
    ),
    _c(
        "group-mismatch",
        "warning",
        "数据",
        "分组与名单不一致",
        "填报的分组与方案单位名单中的分组不同,以方案为准。",
        "填报的分组“一类县”与考核方案单位名单中的分组“二类县”不一致,按方案计",
        "核实分组;以方案为准的可不处理。",
    ),
    _c(
        "missing-unit-name",
        "finding",
        "数据",
        "缺少单位名称",
        "填报表中找不到单位名称,按文件名处理(提醒);明细表、汇总表某行有数据但没有单位名称,该行跳过(错误)。",
        "第 15 行有数据但单位名称为空,已跳过",
        "补填单位名称。",
    ),
    _c(
        "duplicate-unit",
        "finding",
        "数据",
        "单位重复",
        "同一单位出现在两个文件(或两行)中:评分时后出现的未计入(错误);整改时评分结果中重复的以后者为准(提醒)。",
        "单位“浏阳市”重复出现:浏阳市.xlsx 与 汇总表.xlsx 第 5 行;后者未计入",
        "删除重复的文件或行,每个单位只提交一份数据。",
    ),
    _c(
        "missing-column",
        "finding",
        "数据",
        "明细表缺列",
        "明细表缺少方案要求的列,或找不到表头。",
        "明细表“村级明细”缺少列“脱贫户数”",
        "按模板补齐列,不要改动列名。",
    ),
    _c(
        "missing-table",
        "finding",
        "数据",
        "未提供明细表",
        "某单位未提供方案要求的明细表(错误);全部单位都没有时只报一条提醒,依赖它的指标按缺失处理。",
        "单位“浏阳市”未提供明细表“村级明细”",
        "提供明细表:填在县级填报表中,或用 --details 指定全省明细表。",
    ),
    _c(
        "duplicate-table",
        "warning",
        "数据",
        "明细表重复",
        "同一单位的同一张明细表提供了两次,以先读取的为准。",
        "单位“浏阳市”的明细表“村级明细”重复提供(已从 浏阳市.xlsx 读取),以先读取的为准",
        "删除多余的一份。",
    ),
    _c(
        "unused-details",
        "warning",
        "数据",
        "明细表未使用",
        "方案没有定义明细表,指定的明细表文件未使用。",
        "方案没有定义明细表,明细表文件未使用",
        "去掉 --details,或改用定义了明细表的方案。",
    ),
)

# ---- scoring ------------------------------------------------------------------

_SCORING = (
    _c(
        "veto-unknown",
        "warning",
        "评分",
        "一票否决无法判断",
        "一票否决事项的条件因数据缺失或有误无法判断,未认定。",
        "一票否决事项“发生规模性返贫”无法判断(缺少“返贫人数”),未认定;请核实后补报",
        "补报该事项所需的数据后重新评分。",
    ),
)

# ---- rectification (assess/rectify/, assess/commands/rectify.py) -------------

_RECTIFY = (
    _c(
        "finding-incomplete",
        "finding",
        "整改",
        "问题清单缺少内容",
        "督查发现问题清单的某行缺少必填内容,本行未列入台账。",
        "问题描述为空,本行未列入台账",
        "补填该行后重新运行。",
    ),
    _c(
        "bad-number",
        "finding",
        "整改",
        "扣分不是数字",
        "督查发现问题清单中“扣分”不是数字,按空白处理。",
        "扣分“两分”不是数字,已按空白处理",
        "填写数字,如 2。",
    ),
    _c(
        "bad-date",
        "finding",
        "整改",
        "整改时限不是日期",
        "督查发现问题清单中“整改时限”不是日期,也不是“立行立改”“长期坚持”,按未填处理。",
        "整改时限“六月底”不是日期;应填日期(如 2025-06-30)或“立行立改”“长期坚持”,已按未填处理",
        "填写日期(如 2025-06-30),或“立行立改”“长期坚持”。",
    ),
    _c(
        "bad-status",
        "finding",
        "整改",
        "整改状态无效",
        "督查发现问题清单中“整改状态”不在可选值中,按未开始处理。",
        "整改状态“基本完成”不在可选值中(未开始、整改中、已完成、已销号),已按未开始处理",
        "改为可选值之一。",
    ),
    _c(
        "duplicate-finding",
        "warning",
        "整改",
        "问题重复",
        "同一单位、同一来源、同一描述的问题出现两次,已合并为一条。",
        "与 问题清单!A7 的问题相同(同一单位、来源和描述),已合并为一条",
        "无需处理;如确是两个问题,请改写描述加以区分。",
    ),
    _c(
        "unknown-indicator",
        "warning",
        "整改",
        "指标不在方案中",
        "评分结果中的指标不在当前方案中(多半是评分与整改用了不同年度的方案),已按默认表述生成问题。",
        "指标 1.9(产业资金)不在方案中,已按默认表述生成问题",
        "确认评分结果与 --scheme 用的是同一方案。",
    ),
    _c(
        "ledger-columns",
        "finding",
        "整改",
        "台账缺少列",
        "台账缺少必需的列,或找不到含“编号”“整改状态”等列的工作表。",
        "缺少必需的列:整改状态(列名须与台账模板一致,可调整顺序和列宽,不可删除或改名)",
        "恢复被删除或改名的列;可调整列的顺序和宽度。",
    ),
    _c(
        "ledger-duplicate-id",
        "finding",
        "整改",
        "台账编号重复",
        "台账中同一编号出现两次。",
        "编号 ZG-2024-003 重复(另见 整改台账!A9);每个编号只能出现一次",
        "把手工添加的行改为不重复的编号。",
    ),
    _c(
        "ledger-merged",
        "finding",
        "整改",
        "台账合并了单元格",
        "台账的表格区域(或变更记录中要写入的行)有合并单元格,assess 无法逐行写入,整份台账未改动。",
        "单元格 H3:H4 被合并;台账的表格区域不能有合并单元格,请取消合并后重试(选中这些单元格,在“开始”中再点一次“合并后居中”)",
        "在 Excel 或 WPS 中取消这些单元格的合并,保存后重新运行。",
    ),
    _c(
        "text-too-long",
        "warning",
        "整改",
        "内容超过单元格上限",
        "问题描述等文字超过 Excel 单元格的上限 32,767 个字符,台账中只保留前面部分。",
        "问题描述有 40,004 个字符,超过 Excel 单元格的上限 32,767 个字符,台账中只保留前面部分",
        "精简问题清单中的文字后重新运行,或把详细内容放在附件中。",
    ),
    _c(
        "ledger-no-id",
        "finding",
        "整改",
        "台账行缺少编号",
        "台账某行有内容但编号为空。",
        "此行有内容但编号为空;手工添加的问题请填写一个不重复的编号",
        "填写一个不重复的编号。",
    ),
    _c(
        "ledger-no-unit",
        "finding",
        "整改",
        "台账行缺少单位",
        "台账某行的单位名称为空。",
        "单位名称为空",
        "补填单位名称。",
    ),
    _c(
        "ledger-status",
        "finding",
        "整改",
        "台账整改状态无效",
        "台账中的整改状态不在可选值中。",
        "整改状态“基本完成”不在可选值中(未开始、整改中、已完成、已销号)",
        "从下拉列表中选择整改状态。",
    ),
    _c(
        "ledger-blank-status",
        "warning",
        "整改",
        "台账整改状态为空",
        "台账中的整改状态为空,按“未开始”统计。",
        "整改状态为空,按“未开始”统计",
        "从下拉列表中选择整改状态。",
    ),
    _c(
        "ledger-date",
        "finding",
        "整改",
        "完成日期不是日期",
        "台账中的完成日期不是日期。",
        "完成日期“六月”不是日期(应如 2025-06-30)",
        "填写日期,如 2025-06-30。",
    ),
    _c(
        "ledger-deadline",
        "finding",
        "整改",
        "台账整改时限无效",
        "台账中的整改时限不是日期,也不是“立行立改”或“长期坚持”。",
        "整改时限“年底前”不是日期,也不是“立行立改”或“长期坚持”",
        "填写日期(如 2025-06-30),或“立行立改”“长期坚持”。",
    ),
    _c(
        "ledger-row-deleted",
        "warning",
        "整改",
        "台账行已被删除",
        "曾在台账中的问题已被人工删除,本次未重新加入。",
        "问题 ZG-2024-003(浏阳市)曾在台账中,已被人工删除,本次未重新加入;如需恢复,请删除台账后重新生成或手工补回该行",
        "确属不需整改的可不处理;如需恢复,手工补回该行。",
    ),
    _c(
        "ledger-layout",
        "warning",
        "整改",
        "台账排布不变",
        "已有台账的排布方式(single / per-unit)不会改变,--layout 只对新建台账起作用。",
        "已有台账的排布方式不变,--layout 只对新建台账起作用",
        "无需处理;要改变排布,请新建台账后把人工填写的内容复制过去。",
    ),
)

REGISTRY: tuple[Code, ...] = (
    *_ERRORS,
    *_SCHEME_YAML,
    *_SCHEME_TYPES,
    *_SCHEME_BOUNDS,
    *_SCHEME_CHECKS,
    *_DATA,
    *_SCORING,
    *_RECTIFY,
)

CODES: dict[str, Code] = {c.code: c for c in REGISTRY}


def lookup(code: str) -> Code | None:
    """The entry of ``code``; a ``scheme-…`` code without its own entry gets the family's."""
    entry = CODES.get(code)
    if entry is None and code.startswith("scheme-"):
        return CODES[SCHEME_FAMILY]
    return entry
