"""A round of ``assess serve`` as a clerk does it, in a real browser (the system's Chromium, Playwright).

The office at its own machine: choose the bundled scheme, upload the example counties' workbooks (one of
them broken), read the receipt, fix and upload again, collect the other sources, rank, download and open
the ranking, a score sheet and a gap analysis, upload the findings list and download the ledger.  Then a
server on a network address: a county signs in with its own code, submits its own workbook and sees
nothing of any other unit's, nor the ranking until the office publishes it.

Skipped when Playwright or Chromium is missing, except in CI (env ``CI`` set), where it must run.
``ASSESS_SCREENSHOTS=1`` also saves the pictures of the README (docs/images/serve-*.png, 1366×768):

    ASSESS_SCREENSHOTS=1 python -m pytest tests/serve/test_browser.py
"""

from __future__ import annotations

import base64
import html
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.serve.browser_live import launch, live_server, missing
from tests.serve.conftest import COUNTIES, OFFICE_CODE, ROOT

WHY = missing()
if WHY is not None and not os.environ.get("CI"):
    pytest.skip(f"浏览器测试跳过:{WHY}", allow_module_level=True)

try:
    from playwright.sync_api import Browser, Page, expect
except ImportError:  # in CI: every test fails (the browser fixture says why), the other modules run
    Browser = Page = Any

pytestmark = pytest.mark.slow

Site = tuple[str, Any]  # the server's address, its application
NewPage = Callable[[str], Page]
VIEWPORT = {"width": 1366, "height": 768}
IMAGES = ROOT / "docs" / "images"
ALL = sorted(p.stem for p in COUNTIES.iterdir())  # the 14 counties of county-2024
BLANK = {"永顺县": ("D14", 26.5), "泸溪县": ("D20", 6.2)}  # the examples' two deliberately blank cells
SOURCES = ("财政", "统计", "第三方", "目标", "督查")  # county-2024's other sources, each an examples/ folder
FINDINGS = ROOT / "examples" / "督查" / "督查暗访和审计发现问题清单.xlsx"
ROW_OF_NINGXIANG = '[data-testid="ranking-row"][data-unit="宁乡市"]'
OTHER_UNIT = "无权访问:只能查看本单位的提交和回执"
NOT_PUBLISHED = "考核结果尚未发布,发布后才能查看"
OFFICE_ONLY = "无权访问:此功能只供考核办公室使用"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if WHY is not None:
        pytest.fail(f"CI 中必须运行浏览器测试,但{WHY}", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        try:
            found = launch(playwright)
        except Exception as exc:  # Chromium is there but cannot start (libraries, sandbox …)
            if os.environ.get("CI"):
                raise
            pytest.skip(f"浏览器测试跳过:Chromium 无法启动({exc})")
        expect.set_options(timeout=60_000)
        yield found
        found.close()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """The real application under uvicorn for the person at the machine: 127.0.0.1, no sign-in."""
    with live_server(tmp_path / "work") as found:
        yield found


@pytest.fixture
def network_site(tmp_path: Path) -> Iterator[Site]:
    """As if started with --host 0.0.0.0: everyone signs in (it still listens on 127.0.0.1 only)."""
    with live_server(tmp_path / "work", host="0.0.0.0", sign_in=True, office_code=OFFICE_CODE) as found:
        yield found


@pytest.fixture
def new_page(browser: Browser) -> Iterator[NewPage]:
    """A new browser window on the server at the address given: its own cookies, 1366×768, Chinese."""
    contexts: list[Any] = []

    def make(base: str) -> Page:
        context = browser.new_context(base_url=base, viewport=VIEWPORT, accept_downloads=True, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(60_000)
        return page

    yield make
    for context in contexts:
        context.close()


def shot(page: Page, name: str) -> None:
    """docs/images/serve-NAME.png, only when ASSESS_SCREENSHOTS=1 (normal runs leave the committed ones)."""
    if os.environ.get("ASSESS_SCREENSHOTS") == "1":
        IMAGES.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(IMAGES / f"serve-{name}.png"))


def edited(folder: Path, county: str, cell: str, value: Any) -> Path:
    """A copy of the county's example workbook with one cell of 指标数据 changed (same file name)."""
    folder.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.load_workbook(COUNTIES / f"{county}.xlsx")
    wb["指标数据"][cell] = value
    target = folder / f"{county}.xlsx"
    wb.save(target)
    return target


def drop(page: Page, files: list[Path]) -> None:
    """Drag files onto the drop zone: a ``drop`` event whose DataTransfer carries them."""
    payload = [{"name": p.name, "data": base64.b64encode(p.read_bytes()).decode()} for p in files]
    transfer = page.evaluate_handle(
        """(files) => {
            const dt = new DataTransfer();
            for (const f of files) {
                const bytes = Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0));
                dt.items.add(new File([bytes], f.name));
            }
            return dt;
        }""",
        payload,
    )
    page.dispatch_event("#drop-zone", "dragenter", {"dataTransfer": transfer})
    page.dispatch_event("#drop-zone", "drop", {"dataTransfer": transfer})


def receipt(page: Page, name: str) -> Any:
    return page.locator(f'[data-testid="receipt"][data-name="{name}"]')


def row(page: Page, unit: str) -> Any:
    return page.locator(f'[data-testid="unit-row"][data-unit="{unit}"]')


def download(page: Page, selector: str, folder: Path) -> tuple[str, Path]:
    """Click a download link; the file as the browser saved it, under the name the server gave."""
    with page.expect_download() as info:
        page.click(selector)
    got = info.value
    assert got.failure() is None, got.failure()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / got.suggested_filename
    got.save_as(target)
    return got.suggested_filename, target


def workbook_text(path: Path) -> str:
    wb = openpyxl.load_workbook(path, read_only=True)
    return "\n".join(
        str(v) for ws in wb.worksheets for r in ws.iter_rows(values_only=True) for v in r if v is not None
    )


def html_text(path: Path) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8")))


def refused(page: Page, url: str, status: int, message: str) -> None:
    """A direct address the user may not open: the status, and the reason in Chinese on the page."""
    reply = page.goto(url)
    assert reply is not None and reply.status == status, (url, reply and reply.status)
    expect(page.get_by_test_id("error-message")).to_have_text(message)


def test_a_round_of_assessment_in_the_browser(new_page: NewPage, site: Site, tmp_path: Path) -> None:
    base, app = site
    saved = tmp_path / "下载"  # what the browser downloads
    broken = edited(tmp_path / "初稿", "浏阳市", "D5", "六万多")  # a word in a number cell
    fixed = [edited(tmp_path / "补报", unit, cell, value) for unit, (cell, value) in BLANK.items()]
    page = new_page(base)

    # no scheme yet: the home page leads to 方案; choose the bundled county-2024
    page.goto("/")
    expect(page).to_have_url(f"{base}/scheme")
    page.select_option("#scheme-select", "county-2024")
    page.click("#scheme-choose-submit")
    expect(page.get_by_test_id("scheme-summary")).to_be_visible()
    expect(page.get_by_test_id("scheme-units")).to_contain_text("参评单位 14 个")

    # the counties' workbooks through the file input, the broken one among them
    page.click("#nav-collect")
    expect(page.locator("#count-missing")).to_have_text("14")
    first = [broken, *(p for p in sorted(COUNTIES.iterdir()) if p.stem not in ("浏阳市", *BLANK))]
    page.set_input_files("#upload-files", [str(p) for p in first])
    page.click("#upload-submit")
    expect(page.get_by_test_id("receipt")).to_have_count(len(first))
    bad = receipt(page, "浏阳市.xlsx")
    expect(bad).to_have_attribute("data-state", "有问题")
    line = bad.locator("tr[data-code]").filter(has_text="D5")
    expect(line.locator("td")).to_have_text(
        ["错误", "指标数据", "D5", "“脱贫劳动力务工就业人数”的值无效:应为数值,实际为文字“六万多”"]
    )
    expect(page.locator('[data-testid="receipt"][data-state="已通过"]')).to_have_count(len(first) - 1)
    expect(page.locator("#upload-text")).to_have_text("完成")
    # the totals and the table follow the receipts without reloading the page
    for counter, count in (("count-missing", "2"), ("count-problems", "1"), ("count-accepted", "11")):
        expect(page.locator(f"#{counter}")).to_have_text(count)
    expect(row(page, "浏阳市")).to_have_attribute("data-state", "有问题")
    bad.scroll_into_view_if_needed()
    shot(page, "receipt")

    # the collection page: 11 accepted, 浏阳市 with problems, 2 not yet submitted
    page.get_by_test_id("refresh-table").click()
    expect(page).to_have_url(f"{base}/collect")
    expect(row(page, "浏阳市")).to_have_attribute("data-state", "有问题")
    expect(row(page, "永顺县")).to_have_attribute("data-state", "未提交")
    expect(row(page, "宁乡市")).to_have_attribute("data-state", "已通过")
    for counter, count in (("count-missing", "2"), ("count-problems", "1"), ("count-accepted", "11")):
        expect(page.locator(f"#{counter}")).to_have_text(count)
    shot(page, "collect")

    # the other sources: departments' reports and the findings list, each chosen in 文件属于
    for sid in SOURCES:
        data = next((ROOT / "examples" / sid).glob("*.xlsx"))
        page.select_option("#upload-source", sid)
        page.set_input_files("#upload-files", str(data))
        page.click("#upload-submit")
        expect(receipt(page, data.name)).to_have_attribute("data-state", "已通过")
    page.goto("/collect")
    expect(page.locator('[data-testid="source-row"][data-state="已通过"]')).to_have_count(len(SOURCES))

    # 浏阳市 fixed and sent again; the two blank cells filled, dragged onto the page
    page.set_input_files("#upload-files", str(COUNTIES / "浏阳市.xlsx"))
    page.click("#upload-submit")
    expect(receipt(page, "浏阳市.xlsx")).to_have_attribute("data-state", "已通过")
    drop(page, fixed)
    for path in fixed:
        expect(receipt(page, path.name)).to_have_attribute("data-state", "已通过")
    page.get_by_test_id("refresh-table").click()
    expect(page.locator("#count-accepted")).to_have_text("14")
    expect(row(page, "浏阳市").get_by_test_id("unit-state")).to_have_text("已通过")
    row(page, "浏阳市").get_by_test_id("unit-versions").click()
    versions = page.get_by_test_id("version")
    expect(versions).to_have_count(2)
    assert [versions.nth(i).get_attribute("data-state") for i in range(2)] == ["已通过", "有问题"]
    expect(page.get_by_test_id("counted")).to_contain_text("浏阳市.xlsx")
    expect(page.get_by_test_id("version-findings-2")).to_contain_text("六万多")

    # rank: a background job with progress; the page shows the ranking when it is done
    page.click("#nav-results")
    expect(page.locator("#rank-start")).to_contain_text("已通过 14 个单位")
    page.click("#rank-start")
    expect(page.locator("#job")).to_be_visible()
    page.wait_for_function(
        "() => document.querySelector('#ranking-table') || "
        "document.querySelector('#job')?.getAttribute('data-state') === '出错'",
        timeout=300_000,
    )
    expect(page.locator("#job-error")).to_have_text("")
    expect(page.locator("#job")).to_have_attribute("data-state", "已完成")
    ranking = page.get_by_test_id("ranking-row")
    expect(ranking).to_have_count(14)
    assert sorted(ranking.nth(i).get_attribute("data-unit") or "" for i in range(14)) == ALL
    shot(page, "ranking")

    # downloads: the ranking as Excel and as a web page, all 14 counties in both
    name, xlsx = download(
        page, '[data-testid="download-rank"][data-name="考核结果排名.xlsx"]', tmp_path / "下载"
    )
    assert name == "考核结果排名.xlsx"
    text = workbook_text(xlsx)
    assert all(unit in text for unit in ALL), [u for u in ALL if u not in text]
    name, page_file = download(
        page, '[data-testid="download-rank"][data-name="考核结果排名.html"]', tmp_path / "下载"
    )
    assert name == "考核结果排名.html"
    text = html_text(page_file)
    assert all(unit in text for unit in ALL), [u for u in ALL if u not in text]

    # one county's score sheet (opens in a new tab) and its Excel copy; a gap analysis
    with page.context.expect_page() as opened:
        page.locator(ROW_OF_NINGXIANG + ' [data-testid="sheet-view"]').click()
    sheet = opened.value
    sheet.wait_for_load_state()
    assert "宁乡市" in sheet.title() or "宁乡市" in sheet.inner_text("body")
    assert "得分" in sheet.inner_text("body")
    sheet.close()
    name, sheet_xlsx = download(page, ROW_OF_NINGXIANG + ' [data-testid="sheet-xlsx"]', saved)
    assert name == "宁乡市_得分表.xlsx"
    assert "宁乡市" in workbook_text(sheet_xlsx)
    page.locator('[data-testid="ranking-row"][data-unit="花垣县"] [data-testid="explain"]').click()
    expect(page.get_by_test_id("explain-text")).to_contain_text("花垣县")
    name, explained = download(page, "#explain-download", saved)
    assert name == "花垣县_差距分析.html"
    assert "花垣县" in html_text(explained)

    # rectification: the findings list in, the ledger out
    page.click("#nav-rectify")
    page.set_input_files("#findings-file", str(FINDINGS))
    page.click("#findings-submit")
    expect(page.get_by_test_id("rectify-receipt")).to_have_attribute("data-ok", "1")
    expect(page.get_by_test_id("rectify-progress")).to_be_visible()
    messages = page.get_by_test_id("rectify-messages")
    expect(messages).to_contain_text("已写入:整改/整改台账.xlsx")  # inside the working folder: no server path
    expect(messages).not_to_contain_text(str(app.state.server.store.layout.root))
    expect(page.locator("#progress-units tbody tr").first).to_be_visible()
    name, ledger = download(
        page, '[data-testid="rectify-file"][data-name="整改台账.xlsx"]', tmp_path / "下载"
    )
    assert name == "整改台账.xlsx"
    ws = openpyxl.load_workbook(ledger).worksheets[0]
    rows = [r for r in ws.iter_rows(values_only=True) if any(v is not None for v in r)]
    assert len(rows) > 5
    assert any(unit in workbook_text(ledger) for unit in ALL)

    # every step is in the audit log
    page.click("#nav-audit")
    log = page.get_by_test_id("audit-table")
    for action in ("选择内置方案", "提交数据", "排名", "上传问题清单"):
        expect(log).to_contain_text(action)
    assert (Path(app.state.server.store.layout.root) / "已通过" / "浏阳市.xlsx").is_file()


def test_a_county_signed_in_sees_only_its_own(new_page: NewPage, network_site: Site, tmp_path: Path) -> None:
    from assess.serve.unit_codes import make_unit_codes

    base, app = network_site
    saved = tmp_path / "下载"
    server = app.state.server
    office = new_page(base)

    # everyone signs in; a wrong code is refused in Chinese
    refused(office, "/collect", 401, "请先输入访问码登录")
    office.goto("/")
    expect(office).to_have_url(f"{base}/signin")
    office.fill("#code", "WRONG-CODE-1")
    office.click("#signin-submit")
    expect(office.get_by_test_id("signin-error")).to_have_text("访问码不正确,请核对后重新输入")
    office.fill("#code", OFFICE_CODE)
    office.click("#signin-submit")
    expect(office).to_have_url(f"{base}/scheme")
    office.select_option("#scheme-select", "county-2024")
    office.click("#scheme-choose-submit")
    expect(office.get_by_test_id("scheme-summary")).to_be_visible()

    # as --unit-codes does: 访问码.xlsx, one code a unit, which the office hands out
    units = [u.name for u in server.plan().scheme.units]
    sheet, _ = make_unit_codes(server.store.layout.root, units, base + "/")
    ws = openpyxl.load_workbook(sheet).active
    code = next(r[1] for r in ws.iter_rows(min_row=3, values_only=True) if r[0] == "浏阳市")

    # the office submits another county's workbook
    office.click("#nav-collect")
    office.set_input_files("#upload-files", str(COUNTIES / "宁乡市.xlsx"))
    office.click("#upload-submit")
    expect(receipt(office, "宁乡市.xlsx")).to_have_attribute("data-state", "已通过")

    # 浏阳市 signs in with its own code (another browser: its own cookies)
    county = new_page(base)
    county.goto("/")
    county.fill("#code", code)
    county.click("#signin-submit")
    expect(county).to_have_url(f"{base}/collect")
    expect(county.get_by_test_id("who")).to_contain_text("浏阳市")
    expect(county.get_by_test_id("unit-row")).to_have_count(1)
    expect(row(county, "浏阳市")).to_have_attribute("data-state", "未提交")
    expect(county.locator("#nav-results, #nav-scheme, #nav-rectify, #nav-audit")).to_have_count(0)
    expect(county.locator("#collect-counts, #upload-source, #sources-table")).to_have_count(0)
    assert "宁乡市" not in county.content()

    # its own workbook: accepted; another county's workbook sent by it: refused in the receipt
    county.set_input_files("#upload-files", str(COUNTIES / "浏阳市.xlsx"))
    county.click("#upload-submit")
    expect(receipt(county, "浏阳市.xlsx")).to_have_attribute("data-state", "已通过")
    county.get_by_test_id("refresh-table").click()
    expect(row(county, "浏阳市")).to_have_attribute("data-state", "已通过")
    row(county, "浏阳市").get_by_test_id("unit-versions").click()
    expect(county.get_by_test_id("version")).to_have_count(1)

    # other units' pages, typed in directly: refused with the reason in Chinese
    refused(county, "/collect/versions?unit=宁乡市", 403, OTHER_UNIT)
    version = server.store.record(server.store.unit_slot("宁乡市"))["versions"][0]["id"]
    refused(county, f"/collect/file?unit=宁乡市&v={version}", 403, OTHER_UNIT)
    refused(county, "/collect/template?unit=宁乡市", 403, OTHER_UNIT)
    refused(county, "/collect/versions?unknown=1", 403, OTHER_UNIT)
    for url in ("/scheme", "/rectify", "/audit"):
        refused(county, url, 403, OFFICE_ONLY)

    # the office ranks; the county still cannot see the ranking until it is published
    office.click("#nav-results")
    office.click("#rank-start")
    office.wait_for_selector("#ranking-table", timeout=300_000)
    expect(office.get_by_test_id("ranking-row")).to_have_count(2)
    refused(county, "/results", 403, NOT_PUBLISHED)
    refused(county, "/results/file?name=考核结果排名.xlsx", 403, NOT_PUBLISHED)
    refused(county, "/results/sheet?unit=浏阳市&view=1", 403, NOT_PUBLISHED)
    office.click("#publish")
    expect(office.get_by_test_id("published-state")).to_have_text("已发布")

    # published: the ranking, and its own score sheet only
    county.goto("/collect")
    county.click("#nav-results")
    expect(county.get_by_test_id("ranking-row")).to_have_count(2)
    expect(county.locator("#rank-form, #publish-form")).to_have_count(0)
    expect(county.get_by_test_id("sheet-view")).to_have_count(1)
    expect(county.get_by_test_id("explain")).to_have_count(0)
    own = county.locator('[data-testid="ranking-row"][data-unit="浏阳市"] [data-testid="sheet-view"]')
    expect(own).to_have_count(1)
    expect(county.locator('[data-testid="download-rank"][data-name="考核结果排名.json"]')).to_have_count(0)
    _, ranked = download(county, '[data-testid="download-rank"][data-name="考核结果排名.xlsx"]', saved)
    assert "浏阳市" in workbook_text(ranked)
    refused(county, "/results/sheet?unit=宁乡市&view=1", 403, OTHER_UNIT)
    refused(county, "/results/file?name=考核结果排名.json", 403, OTHER_UNIT)
    refused(county, "/results/explain?unit=浏阳市", 403, OFFICE_ONLY)

    # signing out ends the session
    county.click("#signout")
    expect(county).to_have_url(f"{base}/signin")
    reply = county.goto("/collect")
    assert reply is not None and reply.status == 401
