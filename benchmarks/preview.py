"""salesdocs preview, measured in the browser (Debian's headless Chromium): save → visible.

    python benchmarks/preview.py [--edits 20]

On a copy of the agency fixture, through the page's own editor and Save button, timed in the
page (performance.now() from the click until the preview element carries the new rendering,
after its images decoded, or until the problem is listed):
  1. a quote: an edit of its deal file            → updated preview visible  (target p95 ≤ 0.5 s)
  2. the client handout: an edit of the client file → its page 1 visible   (target p95 ≤ 1.5 s)
  3. a broken deal file                           → the problem visible      (target p95 ≤ 0.3 s)
and, without a target, until every page of the quote and of the handout is loaded (the preview is
shown once page 1 is decoded; the other pages follow as the server rasterises them).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(REPO))

from browser import chromium  # noqa: E402

from salesdocs.preview.server import running  # noqa: E402

DEAL = "deals/2026-001-yunfan-launch.yaml"
QUOTE = "quote-2026-001-yunfan-launch"
CLIENT = "clients/yunfan-tech.yaml"
HANDOUT = "handout-yunfan-tech"

# set the editor's text, click Save, and resolve with the milliseconds until `ready()` holds
SAVE_AND_TIME = """
const [text, wanted, file] = arguments;
const done = arguments[arguments.length - 1];
const cm = document.querySelector('.CodeMirror').CodeMirror;
const view = document.getElementById('preview');
const before = view.dataset.inputsHash;
const problem = () => document.querySelector(`#problems li[data-file="${file}"]`);
// cm.isClean(): the page has the server's answer to the save (the next edit is based on it)
const ready = {
  problem: () => problem() && cm.isClean(),
  clean: () => !problem() && view.dataset.stale === 'false' && cm.isClean(),
  preview: () => view.dataset.inputsHash !== before && view.dataset.stale === 'false' && cm.isClean(),
}[wanted];
// and then every page of it loaded (pages after the first follow the published revision)
const allPages = () => [...view.querySelectorAll('img')].every((img) => img.complete && img.naturalWidth > 0);
cm.setValue(text);
const t0 = performance.now();
document.getElementById('save').click();
(function poll() {
  if (!ready()) return requestAnimationFrame(poll);
  const visible = performance.now() - t0;
  (function rest() { allPages() ? done([visible, performance.now() - t0]) : requestAnimationFrame(rest); })();
})();
"""


def run(driver: Any, script: str, *args: Any) -> Any:
    return driver.execute_script(script, *args)


def choose(driver: Any, doc_id: str, file: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, 120, poll_frequency=0.05)
    wait.until(
        lambda d: run(d, "const e = document.querySelector(arguments[0]); if (e) e.click(); return !!e;", f'li[data-document="{doc_id}"]')
    )
    wait.until(
        lambda d: run(
            d, "const v = document.getElementById('preview').dataset; return v.document === arguments[0] && v.stale === 'false';", doc_id
        )
    )
    wait.until(lambda d: run(d, "const e = document.querySelector(arguments[0]); if (e) e.click(); return !!e;", f'li[data-path="{file}"]'))
    wait.until(lambda d: run(d, "return document.getElementById('file-name').textContent;") == file)


def series(driver: Any, root: Path, file: str, edits: int, make: Any, wanted: str) -> tuple[list[float], list[float]]:
    """Seconds from save to visible, and to every page of the document loaded, for each edit."""
    original = (root / file).read_text(encoding="utf-8")
    driver.set_script_timeout(120)
    visible, complete = [], []
    for i in range(edits):
        first, every = run_async(driver, make(original, i), wanted, file)
        visible.append(first / 1000)
        complete.append(every / 1000)
        if wanted == "problem":  # put it right again before the next edit
            run_async(driver, original, "clean", file)
    if wanted != "problem":
        run_async(driver, original, "preview", file)
    return visible, complete


def run_async(driver: Any, text: str, wanted: str, file: str) -> tuple[float, float]:
    first, every = driver.execute_async_script(SAVE_AND_TIME, text, wanted, file)
    return float(first), float(every)


def report(name: str, times: list[float], target: float | None) -> None:
    ordered = sorted(times)
    p50 = statistics.median(ordered)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    verdict = "(no target)" if target is None else f"target p95 ≤ {target} s   " + ("ok" if p95 <= target else "MISSED")
    print(f"{name:<44} p50 {p50:6.3f} s   p95 {p95:6.3f} s   {verdict}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--edits", type=int, default=20)
    args = parser.parse_args()
    before = os.getloadavg()[0]  # the machine may be shared: say how busy it was
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for folder in ("rules", "clients", "deals"):
            shutil.copytree(REPO / "tests" / "fixtures" / "agency" / folder, root / folder)
        driver = chromium()
        try:
            with running(root) as (listening, _):
                driver.get(listening.url)
                choose(driver, QUOTE, DEAL)
                quote = series(driver, root, DEAL, args.edits, lambda text, i: text.replace("title: ", f"title: 第{i + 1}版", 1), "preview")
                problems = series(driver, root, DEAL, args.edits, lambda text, i: text + f"bogus_{i}: 1\n", "problem")
                choose(driver, HANDOUT, CLIENT)
                handout = series(driver, root, CLIENT, args.edits, lambda text, i: text + f"# 第 {i + 1} 次修改\n", "preview")
        except Exception:
            driver.save_screenshot(str(Path(tempfile.gettempdir()) / "preview-bench-failure.png"))
            print("page status:", driver.execute_script("return document.getElementById('save-status').textContent"), file=sys.stderr)
            raise
        finally:
            driver.quit()
    print("load average before:", before, " after:", os.getloadavg()[0], flush=True)
    report("quote: save → updated preview visible", quote[0], 0.5)
    report("handout: save → preview visible (page 1)", handout[0], 1.5)
    report("broken file: save → problem visible", problems[0], 0.3)
    report("quote: save → every page loaded", quote[1], None)
    report("handout: save → every page loaded", handout[1], None)


if __name__ == "__main__":
    main()
