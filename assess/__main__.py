"""Entry point for ``python -m assess`` and the ``assess`` console script.

Users' mistakes are ``AssessError``s that click prints in Chinese.  Anything
else is a bug in assess: the user gets a short Chinese message and exit code
3 instead of a traceback (set ASSESS_DEBUG=1 to see it).
"""

from __future__ import annotations

import os
import sys

EXIT_INTERNAL = 3


def main() -> None:
    from assess.cli import main as cli
    from assess.runtime import tune_gc

    tune_gc()

    try:
        cli.main(standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("ASSESS_DEBUG"):
            raise
        print(
            f"程序内部错误({type(exc).__name__}: {exc})。这是 assess 的缺陷,不是您的操作问题;"
            "请设置环境变量 ASSESS_DEBUG=1 重新运行,并把输出报告给维护者。",
            file=sys.stderr,
        )
        sys.exit(EXIT_INTERNAL)


if __name__ == "__main__":
    main()
