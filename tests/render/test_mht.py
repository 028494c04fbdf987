"""MHT packaging: parse the message back and check every referenced part exists."""

from __future__ import annotations

import email
import re
from email.message import Message

import pytest

from assess.render.mht import BASE, FILELIST, HEADER, MAIN, split_footer, to_mht
from tests.render.conftest import TITLE, render_sample

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


def _parts(data: bytes) -> tuple[Message, dict[str, Message]]:
    msg = email.message_from_bytes(data)
    by_location = {str(p["Content-Location"]): p for p in msg.walk() if p["Content-Location"]}
    return msg, by_location


def test_same_document_same_bytes() -> None:
    """The MIME boundary comes from the content: a .doc is reproducible like the JSON."""
    one = to_mht(render_sample(), parts={"chart1.png": PNG}, title=TITLE)
    assert one == to_mht(render_sample(), parts={"chart1.png": PNG}, title=TITLE)
    assert one != to_mht(render_sample(), parts={"chart1.png": PNG[:-1]}, title=TITLE)


def test_structure() -> None:
    data = to_mht(render_sample(), parts={"chart1.png": PNG}, title=TITLE)
    assert data.startswith(b"MIME-Version: 1.0\r\n")
    msg, parts = _parts(data)
    assert msg.get_content_type() == "multipart/related"
    assert msg.get_param("type") == "text/html"
    assert msg.get_param("boundary")
    first = msg.get_payload()[0]
    assert first["Content-Location"] == BASE + MAIN
    assert first.get_content_type() == "text/html"
    assert first["Content-Transfer-Encoding"] in ("quoted-printable", "base64")
    assert first.get_content_charset() == "utf-8"
    assert set(parts) == {BASE + MAIN, BASE + HEADER, BASE + FILELIST, BASE + "doc_files/chart1.png"}
    image = parts[BASE + "doc_files/chart1.png"]
    assert image.get_content_type() == "image/png"
    assert image["Content-ID"] == "<chart1.png>"
    assert image.get_payload(decode=True) == PNG
    assert b"\r\n" in data and b"\n\n" not in data.replace(b"\r\n", b"")


def test_footer_moves_to_header_htm() -> None:
    _, parts = _parts(to_mht(render_sample(), title=TITLE))
    main = parts[BASE + MAIN].get_payload(decode=True).decode("utf-8")
    assert TITLE in main  # UTF-8 text survives the transfer encoding
    assert f'mso-footer:url("{HEADER}") f1;' in main
    assert "mso-element:footer" not in main  # not in the body any more
    assert f'<link rel=File-List href="{FILELIST}">' in main
    # every doc_files/ reference in the page is a part of the package
    for ref in set(re.findall(r'"(doc_files/[^"]+)"', main)):
        assert BASE + ref in parts, ref
    header = parts[BASE + HEADER].get_payload(decode=True).decode("utf-8")
    assert "<div style='mso-element:footer' id=f1>" in header
    assert 'mso-field-code:" PAGE "' in header and "—" in header
    assert f'href="../{MAIN}"' in header
    filelist = parts[BASE + FILELIST].get_payload(decode=True).decode("utf-8")
    assert '<o:File HRef="header.htm"/>' in filelist


def test_landscape_keeps_orientation() -> None:
    _, parts = _parts(to_mht(render_sample(landscape=True)))
    main = parts[BASE + MAIN].get_payload(decode=True).decode("utf-8")
    assert "mso-page-orientation:landscape" in main


def test_bad_inputs() -> None:
    with pytest.raises(ValueError):
        to_mht("<html><body>no footer</body></html>")
    with pytest.raises(ValueError):
        to_mht(render_sample(), parts={"../evil.png": PNG})
    with pytest.raises(ValueError):
        to_mht(render_sample(), parts={"header.htm": b"x"})


def test_split_footer_only_once() -> None:
    page, div = split_footer(render_sample())
    assert div.startswith("<div style='mso-element:footer' id=f1>")
    assert page.count("mso-footer:url(") == 1
