"""The one way a document is made and written: template and context in, a file out.

Every document assess writes (得分表, 排名通报, 稳健性分析, 方案对照, 差距分析, 整改清单,
整改进展情况) is a :class:`Document`: the template (extending ``templates/base.html.j2``), its
context, and what the page says of it (title, issuer, date, orientation).  The modules of
``assess.render`` build one from the data a command hands them; :func:`write_document`
writes it in any of the document formats:

- ``html``: the Word-ready HTML (``assess.render.env.render_document``);
- ``doc``: the same HTML packed as MHT (``assess.render.mht.to_mht``);
- ``docx``/``pdf``: the HTML, converted by the writer (``Outputs.write`` hands it to
  LibreOffice, ``assess.render.office``, and writes the HTML beside when it cannot).

The writer is the command's: ``Outputs.write`` checks the target against the inputs, keeps
a backup of an earlier version and writes atomically.  This module only makes the bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMATS = ("html", "doc", "docx", "pdf")
# .htm is HTML too; any other suffix names its format
_BY_SUFFIX = {".html": "html", ".htm": "html", ".doc": "doc", ".docx": "docx", ".pdf": "pdf"}

Writer = Callable[[Path, "str | bytes"], Path]


@dataclass(frozen=True)
class Document:
    """A document ready to render: its template, context and page."""

    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    title: str = ""
    issuer: str | None = None
    date: Any = None
    landscape: bool = False

    def html(self) -> str:
        """The Word-ready HTML."""
        from assess.render.env import render_document

        return render_document(
            self.template,
            self.context,
            title=self.title,
            issuer=self.issuer,
            date=self.date,
            landscape=self.landscape,
        )

    def content(self, fmt: str = "html") -> str | bytes:
        """What a file of format ``fmt`` holds before it is written: the MHT package for ``doc``;
        the HTML for ``html``, and for ``docx``/``pdf`` (which the writer converts)."""
        if fmt not in FORMATS:
            raise ValueError(f"not a document format: {fmt!r} (one of {', '.join(FORMATS)})")
        html = self.html()
        if fmt == "doc":
            from assess.render.mht import to_mht

            return to_mht(html, title=self.title)
        return html


def format_of(target: Path) -> str:
    """The document format a file name asks for (``.htm`` is HTML)."""
    try:
        return _BY_SUFFIX[target.suffix.lower()]
    except KeyError:
        raise ValueError(f"not a document file name: {target.name!r}") from None


def write_document(document: Document, target: Path, write: Writer, fmt: str | None = None) -> Path:
    """Render ``document`` as ``fmt`` (default: what ``target``'s suffix says) and write it to
    ``target`` with ``write`` (``Outputs.write``, which also converts ``.docx``/``.pdf``)."""
    return write(target, document.content(fmt or format_of(target)))


__all__ = ["FORMATS", "Document", "Writer", "format_of", "write_document"]
