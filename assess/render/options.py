"""Document options the command line sets once for every document a command writes.

Kept free of jinja2 so that ``assess/cli.py`` may import it.
"""

from __future__ import annotations

import contextvars
from typing import Any

# ``--provenance``: close each document with the technical line (assess version, the scheme's
# SHA-256, the number of data files).  Off by default: a 公文 is sent without it; the JSON
# output always carries the provenance.
SHOW_PROVENANCE: contextvars.ContextVar[bool] = contextvars.ContextVar("show_provenance", default=False)


def _show(ctx: Any, param: Any, value: bool) -> None:
    SHOW_PROVENANCE.set(bool(value))


def provenance_option(f: Any) -> Any:
    """``--provenance`` for the commands that write documents (rank, score, explain, diff,
    rectify): sets ``SHOW_PROVENANCE`` while the options are read; the command's own
    function does not see it."""
    import click

    return click.option(
        "--provenance",
        is_flag=True,
        expose_value=False,
        callback=_show,
        help="在文档成文日期下加一行技术说明(assess 版本、方案和数据文件的 SHA-256),供核对;"
        "默认不加,公文可直接印发。JSON 输出总是包含这些信息。",
    )(f)
