"""Who may do what, and what a request can never do: the security items of issue 25."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from tests.serve.conftest import BASE, OFFICE_CODE, Client, TestClient, county, sign_in

CSRF = "请求来源无法核实(表单已过期或来自其他网站),未执行任何操作;请刷新页面后重试"


def _inside(folder: Path) -> set[Path]:
    return {p.resolve() for p in folder.rglob("*") if p.is_file()}


def test_path_traversal_names_are_data_never_paths(office: Client, tmp_path: Path) -> None:
    names = ["../../x.xlsx", "/tmp/abs.xlsx", "C:\\Windows\\y.xlsx", "..\\..\\z.xlsx", "a\x00b.xlsx"]
    before = {p for p in tmp_path.rglob("*") if p.is_file()}
    reply = office.upload(*[(n, county("浏阳市")) for n in names])
    assert reply.status_code == 200
    shown = [r["name"] for r in reply.json()["receipts"]]
    assert shown[:4] == ["x.xlsx", "abs.xlsx", "y.xlsx", "z.xlsx"]
    assert "\x00" not in shown[4] and shown[4].endswith(".xlsx")  # httpx sends NUL as %00
    after = {p for p in tmp_path.rglob("*") if p.is_file()}
    work = office.folder.resolve()
    assert all(work in p.resolve().parents for p in after - before)  # nothing written outside
    assert not Path("/tmp/abs.xlsx").exists() or Path("/tmp/abs.xlsx") in before
    stored = [p.name for p in (office.folder / "提交" / "浏阳市").glob("*.xlsx")]
    assert len(stored) == len(names)
    assert all(len(n) == len("20250120-101502-3f9a1c2e.xlsx") for n in stored)  # generated names


def test_downloads_take_no_path_from_the_request(office: Client) -> None:
    office.upload(("浏阳市.xlsx", county("浏阳市")))
    for bad in ["../审计日志.jsonl", "/etc/passwd", "..%2F..%2Fx"]:
        assert office.get(f"/collect/file?unit=浏阳市&v={bad}").status_code == 404
        assert office.get(f"/results/file?name={bad}").status_code == 404
        assert office.get(f"/rectify/file?name={bad}").status_code == 404
    assert office.get("/collect/versions?unit=../../etc").status_code == 404
    assert office.get("/static/../../setup.cfg").status_code == 404


def test_oversize_request_is_refused_with_413(small: Client) -> None:
    big = b"PK\x03\x04" + b"x" * 400_000
    reply = small.upload(("大.xlsx", big))
    assert reply.status_code == 413
    assert reply.text == "上传的内容超过 0 MB 的上限,未保存任何文件;请分批上传" or reply.json() == {
        "error": "上传的内容超过 0 MB 的上限,未保存任何文件;请分批上传"
    }
    assert not list((small.folder / "提交").rglob("*.xlsx"))


def test_oversize_file_gets_a_refusal_in_its_receipt(small: Client) -> None:
    reply = small.upload(("大.xlsx", b"PK\x03\x04" + b"x" * 150_000), ("浏阳市.xlsx", county("浏阳市")))
    receipts = reply.json()["receipts"]
    assert receipts[0]["state"] == "未接收"
    assert receipts[0]["message"] == "文件超过 0 MB 的上限,未保存"
    assert receipts[1]["state"] == "已通过"


def test_too_many_files(small: Client) -> None:
    reply = small.upload(*[(f"{i}.csv", b"a,b\n") for i in range(5)])
    assert reply.status_code == 413
    assert reply.json() == {"error": "一次最多上传 3 个文件,未保存任何文件;请分批上传"}
    reply = small.upload(*[(f"{i}.csv", b"a,b\n") for i in range(4)])
    assert reply.status_code == 413
    assert not list((small.folder / "提交").rglob("*.csv"))


def test_cross_site_posts_are_refused(office: Client) -> None:
    files = [("files", ("浏阳市.xlsx", county("浏阳市")))]
    accept = {"accept": "application/json"}
    missing = office.http.post("/collect/upload", files=files, headers=accept)
    assert (missing.status_code, missing.json()) == (403, {"error": CSRF})
    wrong = office.http.post("/collect/upload", data={"csrf": "x" * 43}, files=files, headers=accept)
    assert (wrong.status_code, wrong.json()) == (403, {"error": CSRF})
    office.get("/collect")
    foreign = office.http.post(
        "/collect/upload",
        data={"csrf": office.csrf},
        files=files,
        headers={**accept, "origin": "http://evil.example"},
    )
    assert (foreign.status_code, foreign.json()) == (403, {"error": CSRF})
    referer = office.http.post(
        "/scheme/choose",
        data={"csrf": office.csrf, "scheme": "county-2023"},
        headers={"referer": "http://evil.example/page"},
    )
    assert referer.status_code == 403
    assert office.server.store.scheme_ref() == "county-2024"
    assert not list((office.folder / "提交").rglob("*.xlsx"))
    own = office.http.post(
        "/collect/upload",
        data={"csrf": office.csrf},
        files=files,
        headers={**accept, "origin": "http://127.0.0.1:8765"},
    )
    assert own.status_code == 200


def test_loopback_refuses_a_foreign_host_header(office: Client) -> None:
    reply = office.http.get("/collect", headers={"host": "evil.example"})
    assert reply.status_code == 421
    assert reply.text == "拒绝访问:请求的主机名不是本机地址"


def test_session_cookie_is_httponly_and_strict(tmp_path: Path) -> None:
    from tests.serve.conftest import make_client

    for client in make_client(tmp_path / "w"):
        cookie = client.http.get("/scheme").headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
        headers = client.http.get("/scheme").headers
        assert "default-src 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"


def test_network_mode_needs_a_code(network: Client) -> None:
    assert network.http.get("/collect", headers={"accept": "application/json"}).json() == {
        "error": "请先输入访问码登录"
    }
    assert network.http.get("/collect").status_code == 401
    assert network.http.get("/", follow_redirects=False).headers["location"] == "/signin"
    wrong = sign_in(network, "WRONG-CODE")
    assert wrong.status_code == 401
    assert "访问码不正确,请核对后重新输入" in wrong.text
    good = sign_in(network, OFFICE_CODE.lower().replace("-", " "))
    assert good.status_code == 200
    assert network.get("/scheme").status_code == 200


def test_sign_in_is_throttled(network: Client) -> None:
    for _ in range(5):
        assert sign_in(network, "nope").status_code == 401
    locked = sign_in(network, OFFICE_CODE)
    assert locked.status_code == 429
    assert "访问码输错次数过多,请 5 分钟后再试" in locked.text


def _with_unit_codes(network: Client) -> dict[str, str]:
    from assess.serve.unit_codes import make_unit_codes

    sign_in(network, OFFICE_CODE)
    network.choose()
    units = [u.name for u in network.server.plan().scheme.units]
    sheet, codes = make_unit_codes(network.folder, units, "http://192.0.2.1:8000/")
    assert sheet.name == "访问码.xlsx"
    hashes = json.loads((network.folder / "访问码.json").read_text(encoding="utf-8"))
    assert all(codes[u] not in json.dumps(hashes) for u in codes)  # only hashes are kept
    return codes


def test_a_unit_sees_only_its_own(network: Client) -> None:
    codes = _with_unit_codes(network)
    network.upload(("永顺县.xlsx", county("永顺县")))  # the office, for another unit
    network.http.cookies.clear()
    sign_in(network, codes["浏阳市"])
    page = network.get("/collect")
    assert page.status_code == 200
    assert page.text.count('data-testid="unit-row"') == 1
    assert 'data-unit="浏阳市"' in page.text
    assert "永顺县" not in page.text
    json_get = {"accept": "application/json"}
    refused = network.http.get("/collect/versions?unit=永顺县", headers=json_get)
    assert (refused.status_code, refused.json()) == (403, {"error": "无权访问:只能查看本单位的提交和回执"})
    assert network.http.get("/collect/versions?unknown=1").status_code == 403
    assert network.http.get("/collect/template?unit=永顺县").status_code == 403
    assert network.http.get("/collect/template?unit=浏阳市").status_code == 200
    results = network.http.get("/results", headers=json_get)
    assert (results.status_code, results.json()) == (403, {"error": "考核结果尚未发布,发布后才能查看"})
    for url in ("/scheme", "/rectify", "/audit"):
        reply = network.http.get(url, headers=json_get)
        assert (reply.status_code, reply.json()) == (403, {"error": "无权访问:此功能只供考核办公室使用"})
    other = network.upload(("永顺县.xlsx", county("永顺县"))).json()["receipts"][0]
    assert other["slot"] == "浏阳市"
    assert other["state"] == "有问题"
    assert [f["message"] for f in other["findings"] if f["code"] == "serve-other-unit"] == [
        "文件中是“永顺县”的数据,不是本单位“浏阳市”的;请提交本单位的填报表"
    ]
    own = network.upload(("我县.xlsx", county("浏阳市"))).json()["receipts"][0]
    assert own["state"] == "已通过"
    refused_source = network.upload(("x.xlsx", county("浏阳市")), source="财政")
    assert refused_source.status_code == 403


def test_a_unit_sees_the_ranking_once_published(network: Client) -> None:
    codes = _with_unit_codes(network)
    network.upload(("浏阳市.xlsx", county("浏阳市")), ("宁乡市.xlsx", county("宁乡市")))
    job = network.post("/results/rank", headers={"accept": "application/json"}).json()
    network.server.jobs.wait(network.server.jobs.get(job["id"]))
    assert network.post("/results/publish", {"publish": "1"}).status_code == 200
    network.http.cookies.clear()
    sign_in(network, codes["浏阳市"])
    page = network.get("/results")
    assert page.status_code == 200
    assert 'data-testid="ranking-row"' in page.text
    assert network.http.get("/results/file?name=考核结果排名.json").status_code == 403
    assert network.http.get("/results/file?name=考核结果排名.xlsx").status_code == 200
    assert network.http.get("/results/sheet?unit=浏阳市&format=xlsx").status_code == 200
    assert network.http.get("/results/sheet?unit=宁乡市&format=xlsx").status_code == 403
    assert network.http.get("/results/explain?unit=浏阳市").status_code == 403
    # the office ranks again (a corrected workbook): the units wait until it publishes again
    network.http.cookies.clear()
    sign_in(network, OFFICE_CODE)
    job = network.post("/results/rank", headers={"accept": "application/json"}).json()
    network.server.jobs.wait(network.server.jobs.get(job["id"]))
    assert not network.server.store.published
    network.http.cookies.clear()
    sign_in(network, codes["浏阳市"])
    assert network.http.get("/results").status_code == 403
    assert network.http.get("/results/file?name=考核结果排名.xlsx").status_code == 403


def test_audit_log_has_who_what_file_and_sha256(office: Client) -> None:
    import hashlib

    data = county("浏阳市")
    office.upload(("../浏阳市.xlsx", data))
    lines = [
        json.loads(x) for x in (office.folder / "审计日志.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    upload = [e for e in lines if e["action"] == "提交数据"][-1]
    assert upload["who"] == "办公室"
    assert upload["file"] == "浏阳市.xlsx"
    assert upload["sha256"] == hashlib.sha256(data).hexdigest()
    assert upload["stored"].startswith("提交/浏阳市/")
    assert upload["result"] == "已通过"
    assert {"time", "who", "action"} <= set(lines[0])
    assert any(e["action"] == "选择内置方案" for e in lines)
    assert 'data-testid="audit-row"' in office.get("/audit").text


def test_two_uploads_of_one_unit_at_once_are_both_kept(office: Client) -> None:
    office.get("/collect")
    replies: list[int] = []

    def send() -> None:
        reply = office.http.post(
            "/collect/upload",
            data={"csrf": office.csrf},
            files=[("files", ("浏阳市.xlsx", county("浏阳市")))],
            headers={"accept": "application/json"},
        )
        replies.append(reply.status_code)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert replies == [200] * 4
    record = json.loads((office.folder / "提交" / "浏阳市" / "提交记录.json").read_text(encoding="utf-8"))
    assert len(record["versions"]) == 4
    assert len({v["stored"] for v in record["versions"]}) == 4
    assert len(list((office.folder / "提交" / "浏阳市").glob("*.xlsx"))) == 4
    audit = (office.folder / "审计日志.jsonl").read_text(encoding="utf-8").splitlines()
    assert sum('"提交数据"' in line for line in audit) == 4


def test_a_bug_gives_a_chinese_page_not_a_traceback(office: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from assess.serve import pages_collect

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(pages_collect.collect, "rows", broken)
    office.choose()
    with TestClient(office.app, raise_server_exceptions=False, base_url=BASE) as client:
        reply = client.get("/collect")
    assert reply.status_code == 500
    assert "assess 内部错误:请把启动 assess serve 的窗口中显示的内容报告给维护人员" in reply.text
    assert "Traceback" not in reply.text and "ZeroDivisionError" not in reply.text
