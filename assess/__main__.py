"""Entry point for ``python -m assess`` and the ``assess`` console script.

Users' mistakes are ``AssessError``s that click prints in Chinese; what the
operating system refuses (``OSError``: a name too long, a full disk) and
running out of memory are the machine's word, said in Chinese with exit code
2.  Anything else is a bug in assess: the user gets a short Chinese message and exit code
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
    except OSError as exc:
        # The file system said no (a name too long, a full disk, a folder that vanished) to a
        # path the user or the machine chose: a Chinese message naming it, not a bug report.
        from assess.errors import EXIT_ERROR, os_error_text, shorten

        where = f"“{shorten(exc.filename)}”:" if exc.filename else ""
        print(f"错误:{where}{os_error_text(exc)}", file=sys.stderr)
        if os.environ.get("ASSESS_DEBUG"):
            raise
        sys.exit(EXIT_ERROR)
    except MemoryError:
        print("错误:内存不足,无法完成;请关闭其他程序,或分批处理输入文件后重试。", file=sys.stderr)
        sys.exit(2)
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
