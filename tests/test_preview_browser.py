"""The issue's browser scenario, in Debian's headless Chromium (tests/browser.py).

Open the page, choose the appendix, break a refund percent in the page's editor and save → the
problem appears at its line and the preview dims; fix it → the preview shows the new figure; edit
the file on disk meanwhile → the stale save is refused with both versions shown; undo from the
history → the earlier text is back.  Set SALESDOCS_SCREENSHOTS=DIR to keep screenshots.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import chromium
from conftest import FIXTURES, copy_workspace
from preview_support import Client

from salesdocs.preview.server import running
from salesdocs.render.pdf import read_inputs_hash

APPENDIX = "appendix-2026-001-yunfan-launch"
REFUNDS = "rules/refunds.yaml"
LINE = 39  # "        percent: 70%" of the design ladder's first step


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Client, Path]]:
    root = copy_workspace(FIXTURES / "agency", tmp_path_factory.mktemp("preview-browser"))
    with running(root) as (listening, _):
        yield Client(listening.port, listening.token), root


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    browser = chromium()
    yield browser
    browser.quit()


def wait(driver: Any, condition: Callable[[Any], Any], seconds: float = 60) -> Any:
    """``condition`` once true; on a timeout, what the page showed (the status lines, the problems, the editor)."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        return WebDriverWait(driver, seconds, poll_frequency=0.05).until(condition)
    except TimeoutException:
        shown = driver.execute_script(
            "const t = (id) => (document.getElementById(id) || {}).innerText;"
            "const cm = document.querySelector('.CodeMirror');"
            "return {save: t('save-status'), status: t('status'), file: t('file-name'), problems: t('problems'),"
            " preview: Object.assign({}, document.getElementById('preview').dataset),"
            " clean: cm ? cm.CodeMirror.isClean() : null};"
        )
        pytest.fail(f"the page did not get there in {seconds} s; it showed {shown}")


def shot(driver: Any, name: str) -> None:
    folder = os.environ.get("SALESDOCS_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))


def cm(driver: Any, script: str, *args: Any) -> Any:
    """Run ``script`` with ``cm`` bound to the page's CodeMirror editor."""
    return driver.execute_script(f"const cm = document.querySelector('.CodeMirror').CodeMirror; {script}", *args)


def type_at_line_end(driver: Any, line: int, backspaces: int, text: str) -> None:
    from selenium.webdriver.common.keys import Keys

    cm(driver, "cm.focus(); cm.setCursor({line: arguments[0], ch: cm.getLine(arguments[0]).length});", line - 1)
    driver.switch_to.active_element.send_keys(Keys.BACKSPACE * backspaces + text)


def click(driver: Any, selector: str) -> None:
    """Click the element once it exists (found and clicked in one step: the page redraws its lists)."""
    wait(driver, lambda d: d.execute_script("const e = document.querySelector(arguments[0]); if (e) e.click(); return !!e;", selector))


def text(driver: Any, selector: str) -> str:
    return driver.execute_script("const e = document.querySelector(arguments[0]); return e ? e.innerText : '';", selector)  # type: ignore[no-any-return]


def preview(driver: Any) -> dict[str, str]:
    return driver.execute_script("return Object.assign({}, document.getElementById('preview').dataset);")  # type: ignore[no-any-return]


def test_edit_break_fix_conflict_and_undo_in_the_browser(served: tuple[Client, Path], driver: Any) -> None:
    from selenium.webdriver.common.by import By

    client, root = served
    original = (root / REFUNDS).read_text(encoding="utf-8")
    driver.get(f"http://127.0.0.1:{client.port}/?token={client.token}")
    assert driver.current_url == f"http://127.0.0.1:{client.port}/"  # the token left the address bar
    click(driver, f'#documents li[data-document="{APPENDIX}"]')
    wait(driver, lambda d: preview(d).get("document") == APPENDIX and preview(d)["stale"] == "false")
    first = preview(driver)
    assert len(driver.find_elements(By.CSS_SELECTOR, "#preview img")) == client.document(client.state(), APPENDIX)["pages"] > 1
    assert text(driver, "#status") == "没有问题"

    # break the percent in the page's editor and save: the problem shows at its line, the preview dims
    click(driver, f'#files li[data-path="{REFUNDS}"]')
    wait(driver, lambda d: cm(d, "return cm.getLine(arguments[0]);", LINE - 1) == "        percent: 70%")
    type_at_line_end(driver, LINE, 3, "170%")
    # an unsaved edit is never dropped: opening another file asks first, and cancelling keeps the edit
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    driver.find_element(By.CSS_SELECTOR, '#files li[data-path="rules/terms.yaml"]').click()
    alert = WebDriverWait(driver, 10).until(expected_conditions.alert_is_present())
    assert alert.text == "这个文件有未保存的修改。放弃这些修改、打开另一个文件吗？"
    alert.dismiss()
    assert cm(driver, "return cm.getLine(arguments[0]);", LINE - 1) == "        percent: 170%"
    assert text(driver, "#file-name") == REFUNDS
    driver.find_element(By.ID, "save").click()
    at_line = f'#problems li[data-file="{REFUNDS}"][data-line="{LINE}"]'
    shown = wait(driver, lambda d: text(d, at_line))
    assert f"{REFUNDS}:{LINE}:18" in shown and "percent: 170% 大于最大值 100%" in shown
    assert f"{LINE} |         percent: 170%" in shown  # the source line, as check shows it
    # saved, and said so truly: the file is on disk, but with an error the documents keep the last good version
    wait(driver, lambda d: text(d, "#save-status") == "已保存，但这个文件有 1 个错误（见右侧），文档暂用上一次正确的版本")
    wait(driver, lambda d: preview(d)["stale"] == "true")
    assert "problem-line" in cm(driver, "return cm.lineInfo(arguments[0]).bgClass || '';", LINE - 1)
    assert "stale" in driver.find_element(By.ID, "preview").get_attribute("class")
    assert preview(driver)["inputsHash"] == first["inputsHash"]  # the last good preview stays
    count = f'#files li[data-path="{REFUNDS}"] .count.errors'
    assert driver.execute_script("return document.querySelector(arguments[0]).textContent;", count) == "1"
    help_text = wait(driver, lambda d: "ladders[].steps[].percent" in (t := text(d, "#help")) and t)
    assert "退款比例：退款基数（见阶梯的 base）的百分比" in help_text and "示例：70%、50" in help_text
    shot(driver, "broken")
    cm(driver, "cm.setCursor({line: 0, ch: 0});")
    click(driver, at_line)  # opens the file at the problem's line
    wait(driver, lambda d: cm(d, "return cm.getCursor().line;") == LINE - 1)

    # fix it: the preview shows the new figure
    type_at_line_end(driver, LINE, 4, "65%")
    driver.find_element(By.ID, "save").click()
    wait(driver, lambda d: preview(d)["stale"] == "false" and preview(d)["inputsHash"] != first["inputsHash"])
    fixed = preview(driver)
    assert int(fixed["revision"]) > int(first["revision"])
    assert not driver.find_elements(By.CSS_SELECTOR, "#problems li.error")
    # the clause text still says 70%: check's warning about it is listed, as check lists it
    warning = text(driver, f'#problems li.warning[data-file="{REFUNDS}"][data-line="{LINE + 1}"]')
    assert "文字里写的是 70%，但同一项的 percent 是 65%" in warning
    figures = _pdf_text(client, root, fixed["inputsHash"])
    assert "65%" in figures and "35%" in figures
    shot(driver, "fixed")

    # an edit on disk meanwhile: the stale save is refused and both versions are shown
    type_at_line_end(driver, LINE, 3, "60%")
    on_disk = (root / REFUNDS).read_text(encoding="utf-8").replace("payment_days: 5", "payment_days: 6")
    (root / REFUNDS).write_text(on_disk, encoding="utf-8")
    # said at once, before any save: the edit is still there, and saving will compare
    wait(driver, lambda d: text(d, "#save-status") == "有未保存的修改；这个文件刚在别处被修改过，保存时会先让你对比两个版本")
    assert cm(driver, "return cm.getLine(arguments[0]);", LINE - 1) == "        percent: 60%"
    driver.find_element(By.ID, "save").click()
    wait(driver, lambda d: d.find_element(By.ID, "conflict").is_displayed())
    mine, theirs = (version(driver, name) for name in ("mine", "theirs"))
    assert "\n".join(mine["lines"]) + "\n" == (root / REFUNDS).read_text(encoding="utf-8").replace(
        "payment_days: 6", "payment_days: 5"
    ).replace("percent: 65%", "percent: 60%", 1)
    assert "\n".join(theirs["lines"]) + "\n" == on_disk
    # the lines that differ are marked on both sides, and only those
    payment = next(n for n, line in enumerate(theirs["lines"], start=1) if "payment_days: 6" in line)
    assert (
        mine["differs"] == {LINE: "        percent: 60%", payment: mine["lines"][payment - 1]}
        and "payment_days: 5" in mine["lines"][payment - 1]
    )
    assert theirs["differs"] == {LINE: "        percent: 65%", payment: theirs["lines"][payment - 1]}
    assert text(driver, ".differs-note") == "标出的行是两个版本不同的地方。"
    first_difference_in_view = (
        "const box = document.getElementById(arguments[0]); const first = box.querySelector('.differs');"
        "return first.offsetTop >= box.scrollTop && first.offsetTop + first.offsetHeight <= box.scrollTop + box.clientHeight;"
    )
    assert all(driver.execute_script(first_difference_in_view, name) for name in ("mine", "theirs"))
    assert (root / REFUNDS).read_text(encoding="utf-8") == on_disk
    shot(driver, "conflict")
    # back to editing (Esc): the edit stays in the editor, unsaved, and nothing is written
    from selenium.webdriver.common.keys import Keys

    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    wait(driver, lambda d: not d.find_element(By.ID, "conflict").is_displayed())
    assert cm(driver, "return cm.getLine(arguments[0]);", LINE - 1) == "        percent: 60%"
    assert cm(driver, "return cm.isClean();") is False
    assert text(driver, "#save-status").startswith("你的修改还在编辑器里，没有保存。")
    assert (root / REFUNDS).read_text(encoding="utf-8") == on_disk
    # saving again after going back to editing compares again: never a silent overwrite of the colleague's version
    driver.find_element(By.ID, "save").click()
    wait(driver, lambda d: d.find_element(By.ID, "conflict").is_displayed())
    assert (root / REFUNDS).read_text(encoding="utf-8") == on_disk
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    wait(driver, lambda d: not d.find_element(By.ID, "conflict").is_displayed())
    # the colleague saves again: the next save is refused again, and this time the page takes the disk's version
    on_disk = on_disk.replace("payment_days: 6", "payment_days: 7")
    (root / REFUNDS).write_text(on_disk, encoding="utf-8")
    driver.find_element(By.ID, "save").click()
    wait(driver, lambda d: d.find_element(By.ID, "conflict").is_displayed())
    assert "\n".join(version(driver, "theirs")["lines"]) + "\n" == on_disk
    mine_given_up = cm(driver, "return cm.getValue();")
    driver.find_element(By.ID, "take-theirs").click()
    wait(driver, lambda d: cm(d, "return cm.getValue();") == on_disk)
    # the edit given up is kept in the history, not thrown away
    kept = wait(driver, lambda d: (t := text(d, "#save-status")).startswith("你的修改已放进历史版本 #") and t)
    n = int(kept.rsplit("#", 1)[1])
    assert client.request("GET", f"/api/history/{REFUNDS}").json()["versions"][-1]["source"] == "unsaved"
    from salesdocs.preview.files import History

    assert History(root, REFUNDS).data(n).decode("utf-8") == mine_given_up

    # undo from the history: an unsaved edit is not dropped without asking; then the text before the first save comes back
    driver.find_element(By.ID, "show-history").click()
    entries = wait(driver, lambda d: d.execute_script("return [...document.querySelectorAll('#versions li')].map((li) => li.innerText);"))
    assert any(f"从第 {LINE} 行起：percent: 170%" in e for e in entries), entries  # each save says what it changed
    type_at_line_end(driver, LINE, 3, "55%")
    driver.find_element(By.CSS_SELECTOR, '#versions li[data-n="1"] button').click()
    alert = WebDriverWait(driver, 10).until(expected_conditions.alert_is_present())
    assert alert.text == "这个文件有未保存的修改。放弃这些修改、恢复到 #1 吗？"
    alert.dismiss()
    assert cm(driver, "return cm.getLine(arguments[0]);", LINE - 1) == "        percent: 55%"
    driver.find_element(By.CSS_SELECTOR, '#versions li[data-n="1"] button').click()
    WebDriverWait(driver, 10).until(expected_conditions.alert_is_present()).accept()
    wait(driver, lambda d: cm(d, "return cm.getValue();") == original)
    wait(driver, lambda d: text(d, "#save-status") == "已恢复到 #1（这也是一次新的保存）")
    assert (root / REFUNDS).read_text(encoding="utf-8") == original
    driver.find_element(By.ID, "show-history").click()  # the restored text is the newest version, marked as the one shown
    newest = "const li = document.querySelector('#versions li'); return li ? li.innerText.split('\\n')[0] : '';"
    wait(driver, lambda d: d.execute_script(newest).endswith("(保存) · 当前 恢复这个版本"))
    shot(driver, "history")
    wait(driver, lambda d: preview(d)["stale"] == "false" and preview(d)["inputsHash"] == first["inputsHash"])
    # the refused save's 412 is the one expected failure; anything else (a CSP block, a script error) is not
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE" and "status of 412" not in e["message"]]
    assert errors == [], errors  # nothing blocked by the Content-Security-Policy, no script errors


def version(driver: Any, name: str) -> dict[str, Any]:
    """One side of the conflict dialog: its lines, and the marked ones by line number."""
    lines, marked = driver.execute_script(
        "const rows = [...document.querySelectorAll(`#${arguments[0]} .line`)];"
        "return [rows.map((r) => r.textContent), rows.filter((r) => r.classList.contains('differs')).map((r) => +r.dataset.line)];",
        name,
    )
    return {"lines": lines, "differs": {n: lines[n - 1] for n in marked}}


def test_policy_files_first_templates_under_their_own_heading_and_the_save_shortcut(tmp_path: Path, driver: Any) -> None:
    root = copy_workspace(FIXTURES / "agency", tmp_path / "ws")
    (root / "templates").mkdir()
    (root / "templates" / "notes.html").write_text("<p>{{ title }}</p>\n", encoding="utf-8")
    with running(root) as (listening, _):
        driver.get(listening.url)
        wait(driver, lambda d: d.execute_script("return document.querySelectorAll('#templates li').length") == 1)
        files = driver.execute_script("return [...document.querySelectorAll('#files li[data-path]')].map((li) => li.dataset.path);")
        # each file by its name under its folder's heading, the whole path in its tooltip
        headings = driver.execute_script("return [...document.querySelectorAll('#files li.folder')].map((li) => li.textContent);")
        assert headings == ["政策 rules/", "客户 clients/", "交易 deals/"]
        terms = driver.execute_script(  # read in one step: the sidebar is redrawn on every state
            "const li = document.querySelector('#files li[data-path=\"rules/terms.yaml\"]'); return [li.innerText, li.title];"
        )
        assert terms == ["terms.yaml", "rules/terms.yaml"]
        folders = [path.split("/")[0] for path in files]
        assert folders == sorted(folders, key=["rules", "clients", "deals"].index) and folders[0] == "rules" and "templates" not in folders
        assert set(files) | {"templates/notes.html"} == {f["path"] for f in Client(listening.port, listening.token).state()["files"]}
        assert text(driver, "#templates-heading") == "模板（排版）"
        assert driver.execute_script("return document.querySelector('#templates li').dataset.path;") == "templates/notes.html"
        heading_after_files = (
            "return document.getElementById('files').compareDocumentPosition(document.getElementById('templates-heading'));"
        )
        assert driver.execute_script(heading_after_files) & 4  # DOCUMENT_POSITION_FOLLOWING
        save = driver.find_element("id", "save")
        assert save.get_attribute("title") == "保存（Ctrl+S）" and save.get_attribute("aria-keyshortcuts") == "Control+S"
        assert save.text == "保存 Ctrl+S"
        shot(driver, "files")

        # a new deal starts as `salesdocs new deal` drafts it, for the client chosen in the form
        from selenium.webdriver.support.ui import Select

        assert not driver.find_element("id", "new-client-row").is_displayed()
        Select(driver.find_element("id", "new-kind")).select_by_value("deals")
        assert driver.find_element("id", "new-client-row").is_displayed()
        assert driver.find_element("id", "new-name").get_attribute("placeholder") == "2026-004-yunfan-catalogue"
        Select(driver.find_element("id", "new-client")).select_by_value("mingcha-tea")
        driver.find_element("id", "new-name").send_keys("2026-009-mingcha-gift")
        driver.find_element("css selector", '#new-file button[type="submit"]').click()
        new = "deals/2026-009-mingcha-gift.yaml"
        wait(driver, lambda d: text(d, "#file-name") == new)
        on_disk = (root / new).read_text(encoding="utf-8")
        assert cm(driver, "return cm.getValue();") == on_disk
        assert "# 新交易 2026-009-mingcha-gift：由预览页的“新建文件”生成。" in on_disk and "client: mingcha-tea" in on_disk
        to_fill = on_disk.count("★ 必填")
        assert to_fill > 0 and text(driver, "#save-status") == f"已新建：填好标 ★ 的 {to_fill} 项后保存（右侧列出还空着的）"
        wait(driver, lambda d: d.execute_script(f"return document.querySelectorAll('#problems li[data-file=\"{new}\"]').length") > 0)
        shot(driver, "new-deal")
        # the new deal's documents sit with the other deals' (before the clients'), not at the end
        owners = driver.execute_script("return [...document.querySelectorAll('#documents li.folder')].map((li) => li.textContent);")
        assert owners.index("交易 2026-009-mingcha-gift") < owners.index("客户 mingcha-tea"), owners

        # a colleague saves the file shown (no edits here): the page shows their version and says so
        (root / new).write_text(on_disk.replace("client: mingcha-tea", "client: yunfan-tech"), encoding="utf-8")
        wait(driver, lambda d: "client: yunfan-tech" in cm(d, "return cm.getValue();"))
        wait(driver, lambda d: text(d, "#save-status") == "已载入别处保存的新版本")
        assert cm(driver, "return cm.isClean();") is True

    # the server has stopped: the page says so, and a save says it did not happen (the edit stays in the editor)
    wait(driver, lambda d: text(d, "#status") == "与预览服务的连接断开了，正在重连…")
    type_at_line_end(driver, 5, 0, "  # 改")
    driver.find_element("id", "save").click()
    wait(driver, lambda d: text(d, "#save-status").startswith("没有保存：连不上预览服务"))
    assert cm(driver, "return cm.isClean();") is False


def _pdf_text(client: Client, root: Path, inputs_hash: str) -> str:
    pdf = client.request("GET", f"/api/documents/{APPENDIX}.pdf")
    assert pdf.status == 200
    path = root / "shown.pdf"
    path.write_bytes(pdf.body)
    assert read_inputs_hash(path) == inputs_hash
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
