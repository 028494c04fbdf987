"""Click's own words in Chinese.

Click marks its messages for gettext but ships no Chinese catalogue, and a
.mo file would depend on the user's locale settings.  Our users read Chinese
whatever their locale, so we replace click's ``_``/``ngettext`` with a lookup
in this table; unknown messages fall through unchanged.
"""

from __future__ import annotations

import importlib

_SINGLE = {
    "Usage:": "用法:",
    "Options": "选项",
    "Commands": "命令",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s 版本 %(version)s",
    "Error: {message}": "错误:{message}",
    "Try '{command} {option}' for help.": "运行“{command} {option}”查看帮助。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing command.": "缺少命令。",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数:{param_name}",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不接受取值。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效:{message}",
    "Invalid value: {message}": "取值无效:{message}",
    "Aborted!": "已中止。",
    "default: {default}": "默认:{default}",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件,应为文件夹。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 无法读取。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 无法写入。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}:{message}",
    "required": "必填",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "integer": "整数",
    "float": "数值",
    "Choose from:\n\t{choices}": "可选:\n\t{choices}",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是有效的是否值,可用:{states}",
}
_PLURAL = {
    "Got unexpected extra argument ({args})": "多余的参数({args})",
    "Got unexpected extra arguments ({args})": "多余的参数({args})",
    "{value!r} is not {choice}.": "{value!r} 无效,应为 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 无效,应为 {choices} 之一。",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个取值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个取值。",
    "Did you mean {possibility}?": "是否要用 {possibility}?",
    "(Did you mean one of: {possibilities}?)": "(是否要用以下之一:{possibilities}?)",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "{value!r} 不符合格式 {formats}。",
}


def _gettext(message: str) -> str:
    return _SINGLE.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    chosen = singular if n == 1 else plural
    return _PLURAL.get(chosen, chosen)


def install() -> None:
    for name in ("core", "exceptions", "formatting", "parser", "types", "decorators", "termui", "utils"):
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext  # type: ignore[attr-defined]
