"""Package a rendered document as MHT ("single file web page"), saved as .doc.

This is how Word itself saves a web page with a page-number footer: a MIME
multipart/related message whose first part is the HTML and whose other parts
are ``doc_files/header.htm`` (the footers, referenced from the page set-up
with ``mso-footer:url("doc_files/header.htm") f1`` for odd pages and
``mso-even-footer:url("doc_files/header.htm") ef1`` for even pages),
``doc_files/filelist.xml`` and any images.  Saved with a ``.doc`` extension, Word and WPS open it by
double-click, with page numbers and without the footer in the body.

    html = render_document(...)
    write_atomic(path.with_suffix(".doc"), to_mht(html, parts=None, title=title))

Images: pass ``parts={"chart1.png": data}`` and reference them in the HTML
as ``src="doc_files/chart1.png"`` (or ``src="cid:chart1.png"``).
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from email import charset as _charset
from email import encoders, policy
from email.generator import BytesGenerator
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText
from io import BytesIO

BASE = "file:///C:/assess/"
MAIN = "doc.htm"
FILES = "doc_files"
HEADER = f"{FILES}/header.htm"
FILELIST = f"{FILES}/filelist.xml"

_WORD_FOOTER = re.compile(r"<!--assess:word-footer-->(.*?)<!--/assess:word-footer-->", re.DOTALL)
_FOOTER_DIV = re.compile(r"<div style='mso-element:footer' id=(\w+)>.*?</div>", re.DOTALL)
# The page set-up's references to them: mso-footer:f1; and mso-even-footer:ef1;
_FOOTER_REF = re.compile(r"(mso-(?:even-|first-)?footer):\s*(\w+);")
_PART_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$")

_QP_UTF8 = _charset.Charset("utf-8")
_QP_UTF8.header_encoding = _charset.BASE64
_QP_UTF8.body_encoding = _charset.QP


def _header_htm(footer_div: str) -> str:
    return (
        '<html xmlns:v="urn:schemas-microsoft-com:vml" '
        'xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:w="urn:schemas-microsoft-com:office:word" '
        'xmlns="http://www.w3.org/TR/REC-html40">\n'
        "<head>\n"
        '<meta http-equiv=Content-Type content="text/html; charset=utf-8">\n'
        "<meta name=ProgId content=Word.Document>\n"
        '<meta name=Generator content="Microsoft Word 15">\n'
        f'<link id=Main-File rel=Main-File href="../{MAIN}">\n'
        "</head>\n<body lang=ZH-CN>\n"
        f"{footer_div}\n"
        "</body>\n</html>\n"
    )


def _filelist(names: list[str]) -> str:
    lines = ['<xml xmlns:o="urn:schemas-microsoft-com:office:office">']
    lines.append(f' <o:MainFile HRef="../{MAIN}"/>')
    lines.extend(f' <o:File HRef="{n}"/>' for n in names)
    lines.append("</xml>")
    return "\n".join(lines) + "\n"


def split_footer(html: str) -> tuple[str, str]:
    """Take the Word footers out of a document rendered from base.html.j2.

    Returns the HTML with the page set-up pointing at ``doc_files/header.htm``
    instead of the in-page footers, and the footer divs for that file (the odd
    pages' ``f1`` first, then the even pages' ``ef1``).
    """
    block = _WORD_FOOTER.search(html)
    if not block:
        raise ValueError("HTML was not rendered from base.html.j2: no Word footer block")
    divs = list(_FOOTER_DIV.finditer(block.group(1)))
    ids = [d.group(1) for d in divs]
    if "f1" not in ids:
        raise ValueError("Word footer block has no mso-element:footer div f1")
    body = html[: block.start()] + html[block.end() :]
    head, sep, rest = body.partition("</style>")
    refs = {m.group(2) for m in _FOOTER_REF.finditer(head)}
    if "f1" not in refs or refs - set(ids):
        raise ValueError(f"page set-up refers to footers {sorted(refs)}, the footer block has {ids}")
    head = _FOOTER_REF.sub(lambda m: f'{m.group(1)}:url("{HEADER}") {m.group(2)};', head)
    link = f'<link rel=File-List href="{FILELIST}">\n'
    body = (head + sep + rest).replace("<title>", link + "<title>", 1)
    return body, "\n".join(d.group(0) for d in divs)


def to_mht(html: str, *, parts: dict[str, bytes] | None = None, title: str | None = None) -> bytes:
    """The document and its parts as one MHT file (bytes, CRLF line ends)."""
    page, footer = split_footer(html)
    extra = dict(parts or {})
    for name in extra:
        if not _PART_NAME.match(name) or name in ("header.htm", "filelist.xml"):
            raise ValueError(f"bad part name {name!r}")

    # Derived from the content, not random: the same inputs give the same file, byte for byte.
    digest = hashlib.sha256(html.encode("utf-8"))
    for name in sorted(extra):
        digest.update(name.encode("utf-8") + b"\0" + extra[name])
    root = MIMEMultipart("related", boundary=f"----=_NextPart_{digest.hexdigest()[:24]}")
    root.set_param("type", "text/html")
    if title:
        root["Subject"] = Header(title, "utf-8").encode()

    def text_part(text: str, subtype: str, location: str) -> MIMEText:
        part = MIMEText(text, subtype, _QP_UTF8)  # type: ignore[arg-type]
        part["Content-Location"] = BASE + location
        return part

    root.attach(text_part(page, "html", MAIN))
    root.attach(text_part(_header_htm(footer), "html", HEADER))
    names = ["header.htm", "filelist.xml", *extra]
    xml = text_part(_filelist(names), "xml", FILELIST)
    root.attach(xml)
    for name, data in extra.items():
        ctype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        maintype, subtype = ctype.split("/", 1)
        blob: MIMENonMultipart | MIMEBase = MIMEBase(maintype, subtype)
        blob.set_payload(data)
        encoders.encode_base64(blob)
        blob["Content-Location"] = f"{BASE}{FILES}/{name}"
        blob["Content-ID"] = f"<{name}>"
        root.attach(blob)

    out = BytesIO()
    BytesGenerator(out, policy=policy.compat32.clone(linesep="\r\n")).flatten(root)
    return out.getvalue()
