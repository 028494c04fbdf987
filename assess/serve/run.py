"""Starting the server: the address, the office's code, the browser; the only user of uvicorn."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from pathlib import Path

from assess.errors import UsageError

CODE_FILE_EMPTY = "访问码文件“{path}”是空的;请在第一行写办公室的访问码(至少 8 个字符)"
CODE_TOO_SHORT = "办公室的访问码至少要有 8 个字符"


def is_loopback(host: str) -> bool:
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def office_code(code_file: Path | None) -> tuple[str, bool]:
    """The office's code: the first line of ``code_file``, else a new one (and whether it is new)."""
    from assess.serve.auth import new_code, normal

    if code_file is None:
        return new_code(), True
    try:
        text = code_file.read_text(encoding="utf-8-sig").strip().splitlines()
    except OSError as exc:
        raise UsageError(f"无法读取访问码文件“{code_file}”:{exc.strerror or exc}") from None
    if not text or not text[0].strip():
        raise UsageError(CODE_FILE_EMPTY.format(path=code_file))
    if len(normal(text[0])) < 8:
        raise UsageError(CODE_TOO_SHORT)
    return text[0].strip(), False


def free_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def serve(
    folder: Path,
    host: str,
    port: int,
    *,
    browser: bool,
    code_file: Path | None,
    unit_codes: bool,
    echo: Callable[[str], None],
) -> None:
    """Run until Ctrl+C.  Heavy modules (Starlette, uvicorn) are imported here, not before."""
    import uvicorn

    from assess.serve.app import create_app
    from assess.serve.web import Config

    if not folder.is_dir():
        raise UsageError(f"工作文件夹“{folder}”不存在或不是文件夹")
    network = not is_loopback(host)
    code, generated = office_code(code_file) if network or code_file else (None, False)
    port = port or free_port(host)
    shown_host = f"[{host}]" if ":" in host else host
    address = f"http://{shown_host}:{port}/"
    config = Config(folder=folder, host=host, sign_in=network or code_file is not None, office_code=code)
    app = create_app(config)
    if unit_codes:
        _unit_codes(app.state.server, address, echo)
    echo(f"assess 考核工作台已启动:{address}")
    echo(f"工作文件夹:{config.folder.resolve()}")
    if config.sign_in:
        how = "(本次启动时生成,重新启动后会变)" if generated else f"(取自 {code_file})"
        echo(f"办公室访问码:{code}{how}")
    else:
        echo("只供本机使用,无需登录;要让其他电脑访问,请用 --host 指定本机的网络地址(需要访问码登录)")
    echo("按 Ctrl+C 停止。")
    if browser:
        import threading
        import webbrowser

        threading.Timer(1.0, lambda: webbrowser.open(address)).start()
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def _unit_codes(server: object, address: str, echo: Callable[[str], None]) -> None:
    from assess.serve.unit_codes import make_unit_codes
    from assess.serve.web import Refused, Server

    assert isinstance(server, Server)
    try:
        units = [u.name for u in server.plan().scheme.units]
    except Refused as exc:
        raise UsageError(f"无法生成单位访问码:{exc.message}") from None
    if not units:
        raise UsageError("方案中没有单位名单(units),无法生成单位访问码")
    sheet, codes = make_unit_codes(server.store.layout.root, units, address)
    server.codes.reload()
    echo(f"已为 {len(codes)} 个单位生成访问码:{sheet}(旧的单位访问码已作废)")
