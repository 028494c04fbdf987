"""Uploads within limits: request size, file count, file size, names kept only as data."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

from assess.serve.store import DATA_SUFFIXES

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_request_bytes: int = 64 * MiB  # a whole request (all its files)
    max_file_bytes: int = 20 * MiB  # one workbook (a county's is a few hundred KB)
    max_files: int = 50  # files in one upload
    max_scheme_bytes: int = 2 * MiB


class TooLarge(Exception):
    """The request's body passed :attr:`Limits.max_request_bytes`."""


def too_large_text(limits: Limits) -> str:
    return f"上传的内容超过 {limits.max_request_bytes // MiB} MB 的上限,未保存任何文件;请分批上传"


def too_many_text(limits: Limits) -> str:
    return f"一次最多上传 {limits.max_files} 个文件,未保存任何文件;请分批上传"


def file_too_large_text(limits: Limits) -> str:
    return f"文件超过 {limits.max_file_bytes // MiB} MB 的上限,未保存"


def shown_name(raw: Any) -> str:
    """The sender's file name as data: its last part only, printable, at most 120 characters.

    It is shown and recorded, never used as a path: ``../../x.xlsx``,
    ``C:\\x.xlsx`` and ``x\\0.xlsx`` become ``x.xlsx``.
    """
    text = unicodedata.normalize("NFC", str(raw or ""))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if ch.isprintable()).strip()
    return text[:120] or "未命名"


def data_suffix(name: str) -> str | None:
    """The accepted suffix of ``name`` (one of :data:`DATA_SUFFIXES`, never the request's text)."""
    lowered = name.lower()
    return next((s for s in DATA_SUFFIXES if lowered.endswith(s)), None)


def scheme_suffix(name: str) -> str | None:
    lowered = name.lower()
    return next((s for s in (".yaml", ".yml") if lowered.endswith(s)), None)


async def read_upload(upload: Any, limit: int) -> bytes | None:
    """The upload's bytes, or None when it passes ``limit``."""
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = await upload.read(1 << 20)
        if not chunk:
            break
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)
