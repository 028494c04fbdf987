"""Taking one uploaded file: keep it, check it, file it under its unit, write the receipt.

Run in a worker thread (it reads the workbook); every step is one the
command line takes: the readers and limits of ``assess check``, the atomic
writes and locks of ``assess rectify``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from assess.errors import Finding, Location
from assess.serve.auth import Session
from assess.serve.receipts import Checked, check_source_file, check_unit_file
from assess.serve.store import Slot, Store, sha256_bytes
from assess.serve.uploads import Limits, data_suffix, file_too_large_text

NOT_RECEIVED = "未接收"
WRONG_TYPE = "只接受 .xlsx .xls .xlsm .xlsb .ods .csv 格式的工作簿,未保存"


@dataclass
class Upload:
    name: str  # as the sender named it (data, never a path)
    data: bytes | None  # None: over the size limit


def expected_units(plan: Any) -> list[str]:
    return [u.name for u in plan.scheme.units]


def refusal(name: str, message: str) -> dict[str, Any]:
    return {
        "name": name,
        "state": NOT_RECEIVED,
        "slot": "",
        "version": "",
        "findings": [],
        "message": message,
    }


def take(
    store: Store,
    audit: Any,
    session: Session,
    scheme: str,
    plan: Any,
    upload: Upload,
    limits: Limits,
    *,
    source: str | None = None,
    address: str = "",
) -> dict[str, Any]:
    """One file's receipt (回执): kept as a new version and checked, or refused unkept."""
    suffix = data_suffix(upload.name)
    if suffix is None:
        return refusal(upload.name, WRONG_TYPE)
    if upload.data is None:
        return refusal(upload.name, file_too_large_text(limits))
    digest = sha256_bytes(upload.data)
    received = store.receive(upload.data, suffix)
    if source is not None:
        checked = check_source_file(scheme, source, received)
        slot = store.source_slot(source)
    else:
        checked = check_unit_file(scheme, received)
        slot = _slot(store, session, plan, checked, received)
    version = store.keep(
        slot, received, checked, original=upload.name, who=session.who, sha256=digest, size=len(upload.data)
    )
    audit.write(
        session.who,
        "提交数据",
        file=upload.name,
        stored=f"{store.layout.relative(slot.folder)}/{version['stored']}",
        sha256=digest,
        unit=slot.title,
        result=version["state"],
        ip=address,
    )
    return {
        "name": upload.name,
        "state": version["state"],
        "slot": slot.title,
        "version": version["id"],
        "time": version["time"],
        "units": version["units"],
        "summary": version["summary"],
        "findings": version["findings"],
        "message": "",
    }


def _slot(store: Store, session: Session, plan: Any, checked: Checked, received: Any) -> Slot:
    """The unit a workbook is filed under; a mismatch is a problem in its receipt."""
    at = Location(file=str(received))
    units = checked.units
    if not session.is_office:
        own = str(session.unit)
        if units and units != [own]:
            names = "、".join(f"“{u}”" for u in units[:5])
            checked.findings.append(
                Finding(
                    "serve-other-unit", f"文件中是{names}的数据,不是本单位“{own}”的;请提交本单位的填报表", at
                )
            )
        elif not units and not checked.errors:
            checked.findings.append(
                Finding("serve-no-unit", "文件中没有读到单位的填报数据,请用本单位的填报模板填写", at)
            )
        return store.unit_slot(own)
    if len(units) > 1:
        checked.findings.append(
            Finding(
                "serve-several-units",
                f"文件中有 {len(units)} 个单位的数据;请每个单位单独提交一个文件(汇总表可用命令行 assess rank 处理)",
                at,
            )
        )
        return store.unknown_slot()
    if not units:
        if not checked.errors:
            checked.findings.append(
                Finding("serve-no-unit", "文件中没有读到单位的填报数据,请用本单位的填报模板填写", at)
            )
        return store.unknown_slot()
    expected = expected_units(plan)
    if expected and units[0] not in expected:
        return store.unknown_slot()  # “不在考核方案的单位名单中” is already in the receipt
    return store.unit_slot(units[0])


def rows(store: Store, plan: Any, session: Session) -> list[dict[str, Any]]:
    """The collection table: every expected unit (a unit's session: its own) with its state."""
    if not session.is_office:
        names = [str(session.unit)]
    else:
        names = expected_units(plan) or _seen_units(store)
    groups = {g.id: g.name for g in plan.scheme.groups}
    group_of = {u.name: groups.get(u.group or "", u.group or "") for u in plan.scheme.units}
    out = []
    for name in names:
        status = store.status(store.unit_slot(name))
        out.append({"unit": name, "group": group_of.get(name, ""), **status})
    return out


def _seen_units(store: Store) -> list[str]:
    from assess.serve import layout as L
    from assess.serve.store import read_json

    found = []
    folder = store.layout.submitted
    for child in sorted(folder.iterdir()) if folder.is_dir() else []:
        if child.is_dir() and not child.name.startswith(("_", L.SOURCE_PREFIX)):
            record = read_json(child / L.RECORD, {})
            if isinstance(record, dict) and record.get("title"):
                found.append(str(record["title"]))
    return found


def source_rows(store: Store, plan: Any) -> list[dict[str, Any]]:
    from assess.sources.spec import KIND_WORDS, LEDGER, UNIT

    out = []
    for spec in plan.sources:
        if spec.kind in (UNIT, LEDGER):
            continue
        status = store.status(store.source_slot(spec.id))
        out.append(
            {"id": spec.id, "kind": KIND_WORDS.get(spec.kind, spec.kind), "title": spec.title, **status}
        )
    return out
