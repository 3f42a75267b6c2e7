"""The appendix and the quote as Word documents, and legal's redlines read back into the sources."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
from lxml import etree
from pypdf import PdfReader

from salesdocs.engine.money import chinese_numeral
from salesdocs.policy.audience import client_facing_yaml
from salesdocs.render.documents import prepare, render
from salesdocs.workspace import load_workspace

DEALS = ("2026-001-yunfan-launch", "2026-002-mingcha-content", "2026-003-jingyi-expo")
DEAL1, DEAL2 = DEALS[0], DEALS[1]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
LAWYER, WHEN = "李律师", "2026-11-28T10:00:00Z"


def _numbered(document: Any) -> list[tuple[str, str, str]]:
    """(label as Word prints it, style, text) of every numbered paragraph: each paragraph's list
    (numPr → num → abstractNum) gives the pattern, and Word counts the paragraphs of each list."""
    numbering = document.part.numbering_part.element
    abstract = {n.get(f"{W}numId"): n.find(f"{W}abstractNumId").get(f"{W}val") for n in numbering.iter(f"{W}num")}
    levels = {a.get(f"{W}abstractNumId"): a.find(f"{W}lvl") for a in numbering.iter(f"{W}abstractNum")}
    counts: dict[str, int] = {}
    out = []
    for p in document.paragraphs:
        numpr = p._p.find(f"{W}pPr/{W}numPr")
        if numpr is None:
            continue
        num_id = numpr.find(f"{W}numId").get(f"{W}val")
        counts[num_id] = counts.get(num_id, 0) + 1
        level = levels[abstract[num_id]]
        pattern, fmt = level.find(f"{W}lvlText").get(f"{W}val"), level.find(f"{W}numFmt").get(f"{W}val")
        shown = chinese_numeral(counts[num_id]) if fmt == "chineseCountingThousand" else str(counts[num_id])
        out.append((pattern.replace("%1", shown), p.style.name, p.text))
    return out


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory, pristine_workspace: Path) -> dict[str, Any]:
    ws = load_workspace(pristine_workspace)
    out = tmp_path_factory.mktemp("docx")
    made: dict[str, Any] = {"ws": ws, "out": out}
    for deal in DEALS:
        made[deal] = {
            "pdf": render(ws, "appendix", deal, out / f"{deal}.pdf")[0],
            "docx": render(ws, "appendix", deal, out / f"{deal}.docx")[0],
            "context": prepare(ws, "appendix", deal).context,
        }
    return made


def _pdf_text(pdf: Path) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(str(pdf)).pages).replace("\n", "").replace(" ", "")


@pytest.mark.parametrize("deal", DEALS)
def test_docx_has_the_pdfs_clause_ids_numbers_and_figures(made: dict[str, Any], deal: str) -> None:
    pdf_text = _pdf_text(made[deal]["pdf"])
    document = docx.Document(str(made[deal]["docx"]))
    expected = []
    for article in made[deal]["context"]["contract"]["articles"]:
        expected.append((article["label"], "Heading 1", article["title"]))
        expected += [(c["number"], "Contract Item", c["text"]) for c in article["clauses"] if not c["table"]]
    assert _numbered(document) == expected
    for label, _, text in expected:
        assert text.replace(" ", "")[:60] in pdf_text
        assert (label if label.startswith("第") else f"{label}") in pdf_text
    marks = [b.get(f"{W}name") for b in document.element.body.iter(f"{W}bookmarkStart")]
    items = [c for a in made[deal]["context"]["contract"]["articles"] for c in a["clauses"] if not c["table"]]
    assert marks == ["sd_" + c["id"].replace("-", "_") for c in items]
    price = next(c for a in made[deal]["context"]["contract"]["articles"] for c in a["clauses"] if c["table"] == "price-lines")
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert {price["data"]["totals"]["total"], price["data"]["totals"]["tax"]} <= cells
    assert price["data"]["totals"]["total"] in pdf_text


def test_fonts_page_and_fields(made: dict[str, Any]) -> None:
    with zipfile.ZipFile(made[DEAL1]["docx"]) as z:
        styles = etree.fromstring(z.read("word/styles.xml"))
        document = z.read("word/document.xml").decode()
        footer = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("word/footer"))
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert default.get(f"{W}eastAsia") == "宋体"
    fonts = {}
    for style in styles.iter(f"{W}style"):
        if style.get(f"{W}type") == "numbering":
            continue
        found = style.find(f"{W}rPr/{W}rFonts")
        assert found is not None and found.get(f"{W}eastAsia"), style.get(f"{W}styleId")
        fonts[style.find(f"{W}name").get(f"{W}val").lower()] = found.get(f"{W}eastAsia")
    assert (fonts["normal"], fonts["contract item"], fonts["table text"], fonts["heading 1"]) == ("宋体", "宋体", "黑体", "黑体")
    assert 'w:pgSz w:w="11906" w:h="16838"' in document.replace("11905", "11906").replace("16837", "16838")
    assert "PAGE" in footer and "NUMPAGES" in footer and "校验码" in footer and "政策版本 2026.1" in footer
    assert "SEQ 表" in document


def test_docx_is_byte_reproducible_with_fixed_dates(made: dict[str, Any], tmp_path: Path) -> None:
    ws = made["ws"]
    again = render(ws, "appendix", DEAL1, tmp_path / "again.docx")[0]
    assert again.read_bytes() == made[DEAL1]["docx"].read_bytes()
    with zipfile.ZipFile(again) as z:
        assert z.namelist()[0] == "[Content_Types].xml"
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    core = docx.Document(str(again)).core_properties
    h = prepare(ws, "appendix", DEAL1).inputs_hash
    assert core.identifier == f"sha256:{h}"
    assert str(core.created) == str(core.modified) == "2026-11-20 00:00:00+00:00"
    quote = render(ws, "quote", DEAL1, tmp_path / "q.docx")[0]
    assert quote.read_bytes() == render(ws, "quote", DEAL1, tmp_path / "q2.docx")[0].read_bytes()
    cells = {c.text for t in docx.Document(str(quote)).tables for r in t.rows for c in r.cells}
    assert prepare(ws, "quote", DEAL1).context["quote"]["number"] in cells


# ----------------------------------------------------------------------------- redlines


def _edit(path: Path, out: Path, clause: str, old: str, new: str, *, tracked: bool = True, author: str = LAWYER) -> Path:
    """Edit a clause the way Word does: ``old`` becomes a w:del with w:delText, ``new`` a w:ins."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    root = etree.fromstring(parts["word/document.xml"])
    mark = next(b for b in root.iter(f"{W}bookmarkStart") if b.get(f"{W}name") == "sd_" + clause.replace("-", "_"))
    run = mark.getnext()
    t = run.find(f"{W}t")
    before, _, after = t.text.partition(old)
    assert _ or not old, f"{old!r} not in {clause}"
    if not tracked:
        t.text = before + new + after
    else:
        t.text = before
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")

        def wrap(tag: str, text_tag: str, text: str) -> Any:
            el = etree.Element(f"{W}{tag}", {f"{W}id": "901", f"{W}author": author, f"{W}date": WHEN})
            r = etree.SubElement(el, f"{W}r")
            etree.SubElement(r, f"{W}{text_tag}").text = text
            return el

        tail = etree.Element(f"{W}r")
        etree.SubElement(tail, f"{W}t").text = after
        run.addnext(tail)
        if new:
            run.addnext(wrap("ins", "t", new))
        if old:
            run.addnext(wrap("del", "delText", old))
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    with zipfile.ZipFile(out, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out


def _ws_docx(root: Path, deal: str = DEAL1) -> Path:
    return render(load_workspace(root), "appendix", deal, root / "out" / f"{deal}.docx")[0]


def test_tracked_changes_give_exact_redline_json(workspace: Path, run_cli: Callable[..., Any], tmp_path: Path) -> None:
    edited = _edit(_ws_docx(workspace), tmp_path / "r.docx", "review-window", "具体、完整的", "书面、具体的")
    result = run_cli("redline", edited, "--format", "json", "-w", workspace)
    assert result.exit_code == 0, result.err
    data = json.loads(result.out)
    assert (data["deal"], data["policy_version"], data["hash_matches"]) == (DEAL1, "2026.1", True)
    [clause] = data["clauses"]
    assert clause["id"] == "review-window" and clause["label"] == "第6.1条"
    assert clause["changes"] == [
        {"kind": "delete", "text": "具体、完整的", "author": LAWYER, "date": WHEN, "tracked": True},
        {"kind": "insert", "text": "书面、具体的", "author": LAWYER, "date": WHEN, "tracked": True},
    ]
    assert clause["after"] == clause["before"].replace("具体、完整的", "书面、具体的")
    assert clause["figures"] == []
    assert "（二）提出书面、具体的修改意见" in clause["wording"] and "{terms.review_days}个工作日内" in clause["wording"]
    other = run_cli("redline", edited, "--format", "json", "--author", "王律师", "-w", workspace)
    assert json.loads(other.out)["clauses"] == []


def test_untracked_edits_are_found_against_the_carried_text(workspace: Path, run_cli: Callable[..., Any], tmp_path: Path) -> None:
    edited = _edit(_ws_docx(workspace), tmp_path / "u.docx", "notices-written", "电话、口头", "电话、口头、短信", tracked=False)
    data = json.loads(run_cli("redline", edited, "--format", "json", "-w", workspace).out)
    [clause] = data["clauses"]
    assert clause["id"] == "notices-written"
    assert clause["changes"] == [{"kind": "insert", "text": "、短信", "author": "", "date": "", "tracked": False}]


def test_apply_policy_round_trip(workspace: Path, run_cli: Callable[..., Any], tmp_path: Path) -> None:
    contract = workspace / "rules/contract.yaml"
    original = contract.read_text(encoding="utf-8")
    edited = _edit(_ws_docx(workspace), tmp_path / "p.docx", "review-window", "具体、完整的", "书面、具体的")
    result = run_cli("redline", edited, "--apply", "policy", "-w", workspace)
    assert result.exit_code == 0, result.err
    assert "已写入 rules/contract.yaml：review-window；check 通过" in result.out
    changed = contract.read_text(encoding="utf-8")
    old_lines, new_lines = original.splitlines(), changed.splitlines()
    assert len(old_lines) == len(new_lines)
    diff = [i for i, (a, b) in enumerate(zip(old_lines, new_lines, strict=True)) if a != b]
    assert len(diff) == 1 and "书面、具体的修改意见" in new_lines[diff[0]] and "{terms.review_days}" in new_lines[diff[0]]
    again = _ws_docx(workspace)
    with zipfile.ZipFile(again) as z:
        xml = z.read("word/document.xml").decode()
    assert "书面、具体的修改意见" in xml and not re.search(r"<w:(ins|del|delText)[ >]", xml)
    assert json.loads(run_cli("redline", again, "--format", "json", "-w", workspace).out)["clauses"] == []


def test_apply_deal_needs_an_approver_and_changes_that_deal_only(workspace: Path, run_cli: Callable[..., Any], tmp_path: Path) -> None:
    deal_file = workspace / f"deals/{DEAL1}.yaml"
    before = deal_file.read_text(encoding="utf-8")
    other_hash = prepare(load_workspace(workspace), "appendix", DEAL2).inputs_hash
    edited = _edit(_ws_docx(workspace), tmp_path / "d.docx", "review-window", "具体、完整的", "书面、具体的")
    refused = run_cli("redline", edited, "--apply", "deal", "-w", workspace)
    assert refused.exit_code == 2 and "--apply deal 需要 --approver" in refused.err
    assert deal_file.read_text(encoding="utf-8") == before
    result = run_cli("redline", edited, "--apply", "deal", "--approver", "总经理 张明", "-w", workspace)
    assert result.exit_code == 0, result.err
    text = deal_file.read_text(encoding="utf-8")
    assert text.startswith(before) and "clauses:\n  - id: review-window\n    text: >-\n" in text
    assert '    approver: "总经理 张明"\n' in text
    ws = load_workspace(workspace)
    [override] = ws.deals[DEAL1].clause_overrides
    assert override.approver == "总经理 张明" and "书面、具体的" in override.text
    items = [c for a in prepare(ws, "appendix", DEAL1).context["contract"]["articles"] for c in a["clauses"]]
    mine = next(c for c in items if c["id"] == "review-window")
    assert "书面、具体的修改意见" in mine["text"] and mine["deviation"]
    theirs = prepare(ws, "appendix", DEAL2)
    assert theirs.inputs_hash == other_hash
    assert all("书面、具体的修改意见" not in c.get("text", "") for a in theirs.context["contract"]["articles"] for c in a["clauses"])
    projected = client_facing_yaml(f"deals/{DEAL1}.yaml", deal_file.read_bytes())
    assert projected is not None and b"review-window" in projected and "总经理 张明".encode() not in projected
    check = run_cli("check", "--lang", "en", "-w", workspace)
    assert check.exit_code == 0
    assert f"deal {DEAL1}: clause review-window deviates from the standard wording (approved by 总经理 张明)" in check.out


def test_a_policy_figure_is_refused_with_a_pointer_to_its_rule(workspace: Path, run_cli: Callable[..., Any], tmp_path: Path) -> None:
    contract = workspace / "rules/contract.yaml"
    original = contract.read_text(encoding="utf-8")
    edited = _edit(_ws_docx(workspace, DEAL2), tmp_path / "f.docx", "refund-at-most", "最多20%", "最多30%")
    data = json.loads(run_cli("redline", edited, "--format", "json", "--lang", "en", "-w", workspace).out)
    [clause] = data["clauses"]
    assert clause["wording"] is None
    [figure] = clause["figures"]
    terms = (workspace / "rules/refunds.yaml").read_text(encoding="utf-8").splitlines()
    assert figure["file"] == "rules/refunds.yaml" and "percent" in terms[figure["line"] - 1]
    assert figure["message_en"].startswith(f"“20%” in {clause['label']} comes from rules/refunds.yaml:{figure['line']}:")
    assert ", step " in figure["message_en"] and figure["message_en"].endswith("change it there, not in the clause")
    result = run_cli("redline", edited, "--apply", "policy", "--lang", "en", "-w", workspace)
    assert result.exit_code == 1 and "not applied refund-at-most" in result.err
    assert contract.read_text(encoding="utf-8") == original


def test_nothing_is_written_when_check_would_fail(workspace: Path, run_cli: Callable[..., Any], tmp_path: Path) -> None:
    contract = workspace / "rules/contract.yaml"
    original = contract.read_text(encoding="utf-8")
    edited = _edit(_ws_docx(workspace), tmp_path / "c.docx", "review-window", "具体、完整的", "{terms.review_dayz}")
    result = run_cli("redline", edited, "--apply", "policy", "--lang", "en", "-w", workspace)
    assert result.exit_code == 1
    assert "unknown placeholder {terms.review_dayz}" in result.err and "rules/contract.yaml was not written" in result.err
    assert contract.read_text(encoding="utf-8") == original


def test_another_version_or_deal_is_named(workspace: Path, run_cli: Callable[..., Any], tmp_path: Path) -> None:
    made = _ws_docx(workspace)
    edited = _edit(made, tmp_path / "v.docx", "review-window", "具体、完整的", "书面、具体的")
    deal_file = workspace / f"deals/{DEAL1}.yaml"
    deal_file.write_text(
        deal_file.read_text(encoding="utf-8").replace("title: 新品发布品牌视觉", "title: 新品发布品牌视觉二期"), encoding="utf-8"
    )
    result = run_cli("redline", edited, "--apply", "policy", "--lang", "en", "-w", workspace)
    assert result.exit_code == 1
    assert f"is another version of deal {DEAL1}'s appendix (policy version 2026.1, checksum" in result.err
    assert result.err.rstrip().endswith("nothing was written")
    deal_file.unlink()
    gone = run_cli("redline", edited, "--lang", "en", "-w", workspace)
    assert gone.exit_code == 1 and f"is the appendix of deal {DEAL1}, which this workspace does not have" in gone.err


def test_bad_files_get_clear_errors(workspace: Path, run_cli: Callable[..., Any], tmp_path: Path) -> None:
    good = _ws_docx(workspace).read_bytes()
    cases = {
        "truncated.docx": (good[: len(good) // 2], "the file is corrupt (broken ZIP structure)"),
        "locked.docx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\0" * 64, "password-protected"),
        "old.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "old Word (.doc)"),
        "notes.docx": ("只是文字".encode(), "not a DOCX file"),
    }
    for name, (data, message) in cases.items():
        (tmp_path / name).write_bytes(data)
        result = run_cli("redline", tmp_path / name, "--lang", "en", "-w", workspace)
        assert result.exit_code == 1 and message in result.err, (name, result.err)
    with zipfile.ZipFile(io.BytesIO(good)) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"][:200]
    with zipfile.ZipFile(tmp_path / "broken.docx", "w") as z:
        for n, d in parts.items():
            z.writestr(n, d)
    broken = run_cli("redline", tmp_path / "broken.docx", "--lang", "en", "-w", workspace)
    assert broken.exit_code == 1 and "word/document.xml is not valid XML" in broken.err
    quote = render(load_workspace(workspace), "quote", DEAL1, tmp_path / "q.docx")[0]
    assert "not an appendix made by salesdocs" in run_cli("redline", quote, "--lang", "en", "-w", workspace).err
    assert not re.search(r"Traceback", broken.err)


def test_build_writes_docx_beside_appendix_and_quote(workspace: Path, run_cli: Callable[..., Any]) -> None:
    result = run_cli("build", "--docx", "--jobs", "1", "--format", "json", "-w", workspace)
    assert result.exit_code == 0, result.err
    written = json.loads(result.out)["written"]
    for deal in DEALS:
        assert str(workspace / "out" / f"appendix-{deal}.docx") in written
        assert str(workspace / "out" / f"quote-{deal}.docx") in written
    again = json.loads(run_cli("build", "--docx", "--jobs", "1", "--format", "json", "-w", workspace).out)
    assert not any(p.endswith(".docx") for p in again["written"])


def test_only_the_quote_and_the_appendix_can_be_word(workspace: Path, run_cli: Callable[..., Any], tmp_path: Path) -> None:
    result = run_cli("render", "intro", "-o", tmp_path / "intro.docx", "--lang", "en", "-w", workspace)
    assert result.exit_code == 2 and "only the quote and the appendix can be written as Word; write intro as .pdf" in result.err
    assert not (tmp_path / "intro.docx").exists()
    made = run_cli("render", "quote", DEAL1, "-o", tmp_path / "quote.docx", "-w", workspace)
    assert made.exit_code == 0 and (tmp_path / "quote.docx").read_bytes()[:2] == b"PK"
