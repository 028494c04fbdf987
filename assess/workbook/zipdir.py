"""The central directory of an ordinary zip held in memory, read without ``zipfile``.

A county workbook is a small zip; ``zipfile`` costs ten times more to list
it than reading the directory here.  Only ordinary archives are read (no
comment, no zip64, nothing prepended, plain extra fields): for anything else
:func:`central_directory` returns None and the caller asks ``zipfile``, so a
broken or unusual file is judged exactly as before.
"""

from __future__ import annotations

import os
import struct
from typing import NamedTuple

_EOCD = struct.Struct("<4s4H2LH")
# The fields of a central directory entry that are used (46 bytes, the rest skipped):
# signature, version needed, flags, method, sizes, name/extra/comment lengths, offset.
_CENTRAL = struct.Struct("<4s2xBxHH8x2L3H8xL")
_CENTRAL_SIG = b"PK\x01\x02"
_MAX_EXTRACT_VERSION = 63  # zipfile refuses members needing a later version (NotImplementedError)


class Entry(NamedTuple):
    """A member of the central directory, as :class:`zipfile.ZipInfo` would give it."""

    filename: str
    flag_bits: int
    compress_type: int
    compress_size: int
    file_size: int
    header_offset: int
    position: int  # in the directory (and in ZipFile.infolist())


def central_directory(data: bytes) -> list[Entry] | None:
    """The members of an ordinary zip, exactly as zipfile lists them; None when anything is unusual.

    Ordinary: no archive comment, no zip64, no data before the archive, every
    field within its 16/32-bit range, names that decode, extra fields well formed.
    For everything else (and every broken file) the caller asks zipfile.
    """
    end = len(data) - _EOCD.size
    if end < 0 or data[end : end + 4] != b"PK\x05\x06" or data[-2:] != b"\0\0":
        return None
    if end >= 20 and data[end - 20 : end - 16] == b"PK\x06\x07":  # zip64 locator
        return None
    _sig, disk, disk_cd, _n_disk, count, size_cd, offset_cd, _comment = _EOCD.unpack_from(data, end)
    if disk or disk_cd or size_cd == 0xFFFFFFFF or offset_cd == 0xFFFFFFFF or count == 0xFFFF:
        return None
    if offset_cd + size_cd != end:  # data prepended or a gap: zipfile adjusts offsets
        return None
    out: list[Entry] = []
    pos = offset_cd
    unpack = _CENTRAL.unpack_from
    while pos < end:
        if pos + _CENTRAL.size > end:
            return None
        sig, extract_version, flags, method, csize, usize, name_len, extra_len, comment_len, offset = unpack(
            data, pos
        )
        if sig != _CENTRAL_SIG or extract_version > _MAX_EXTRACT_VERSION:
            return None
        if 0xFFFFFFFF in (csize, usize, offset):
            return None
        name_at = pos + _CENTRAL.size
        extra_at = name_at + name_len
        pos = extra_at + extra_len + comment_len
        if pos > end:
            return None
        raw = data[name_at:extra_at]
        if raw.isascii():  # utf-8 and cp437 alike
            name = raw.decode("ascii")
        else:
            try:
                name = raw.decode("utf-8" if flags & 0x800 else "cp437")
            except UnicodeDecodeError:
                return None
        if "\0" in name or (os.sep != "/" and os.sep in name):
            return None
        if extra_len and not _plain_extra(data[extra_at : extra_at + extra_len]):
            return None
        out.append(Entry(name, flags, method, csize, usize, offset, len(out)))
    if pos != end or len(out) != count:
        return None
    return out


# Extra fields zipfile ignores: timestamps, Unix ids, NTFS times, padding, the jar marker.
# Any other (zip64, Unicode path…) sends the file to zipfile.
_PLAIN_EXTRAS = frozenset({0x5455, 0x7875, 0x000A, 0xA220, 0xCAFE})


def _plain_extra(extra: bytes) -> bool:
    """Whether extra fields are well formed and all of kinds zipfile ignores."""
    while len(extra) >= 4:
        tp, ln = struct.unpack_from("<HH", extra)
        if ln + 4 > len(extra) or tp not in _PLAIN_EXTRAS:
            return False
        extra = extra[ln + 4 :]
    return True
