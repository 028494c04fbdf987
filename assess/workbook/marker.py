"""The mark every workbook assess writes carries, so that it is never read back as data.

A ranking saved into the folder of county workbooks must not become a county
on the next run, nor a blank template a county with every value missing.
The mark is a custom document property (``docProps/custom.xml``, shown by
Excel and WPS under 文件 → 属性 → 自定义): Excel, WPS and LibreOffice keep
it when a clerk edits and saves the file, and the safety pass inflates that
part anyway, so recognising it costs nothing extra.  A copy-and-paste of the
cells into a new workbook drops the mark; that new workbook is the clerk's.
"""

from __future__ import annotations

import re
from typing import Any

PROPERTY = "assess"  # the custom property's name; its value is one of KINDS

RANKING = "ranking"
BRIEF = "ranking-brief"
SCORESHEET = "scoresheet"
LEDGER = "ledger"
CHECKLIST = "checklist"
TEMPLATE = "template"
UNIT_LEDGER = "ledger-unit"  # one unit's rows of the ledger, for sending to that unit
REPORT = "ledger-report"  # the ledger in the layout a higher office asks for

KINDS: dict[str, str] = {
    RANKING: "排名表",
    BRIEF: "精简排名表",
    SCORESHEET: "得分表",
    LEDGER: "整改台账",
    CHECKLIST: "整改清单",
    TEMPLATE: "填报模板",
    UNIT_LEDGER: "单位整改台账",
    REPORT: "报送台账",
}

MEMBER = "docprops/custom.xml"  # lower-cased zip member name

_VALUE = re.compile(
    rb'<(?:\w+:)?property\b[^>]*\bname="' + PROPERTY.encode() + rb'"[^>]*>\s*'
    rb"<(?:\w+:)?lpwstr\b[^>]*>([^<]{1,40})</"
)


def kind_of(custom_xml: bytes) -> str | None:
    """The kind of assess output a ``docProps/custom.xml`` says the workbook is, if any."""
    if PROPERTY.encode() not in custom_xml:
        return None
    found = _VALUE.search(custom_xml)
    if found is None:
        return None
    kind = found.group(1).decode("utf-8", "replace").strip()
    return kind if kind in KINDS else None


def mark(wb: Any, kind: str) -> None:
    """Give an openpyxl workbook the mark of ``kind`` (replacing an older one)."""
    from openpyxl.packaging.custom import StringProperty

    props = wb.custom_doc_props
    for prop in list(props.props):
        if prop.name == PROPERTY:
            props.props.remove(prop)
    props.append(StringProperty(name=PROPERTY, value=kind))


def label(kind: str) -> str:
    return KINDS.get(kind, "输出文件")


__all__ = ["KINDS", "MEMBER", "PROPERTY", "TEMPLATE", "kind_of", "label", "mark"]
