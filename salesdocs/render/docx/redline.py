"""Read a redlined appendix DOCX: tracked changes (``w:ins``/``w:del``/``w:delText`` with author and
date) and untracked edits, per clause, compared with the original text the file carries.

Each clause's text lies in a bookmark named after its clause id; the custom XML part holds the
original wording (with placeholders), the printed text and where every placeholder's value was
printed.  An edit that touches a printed value is a change to the policy (or the deal), not to
the wording: it is reported with where that value is written, never turned into clause text.
Files are read with lxml (no entity resolution, no network, size-limited), never executed.
"""

from __future__ import annotations

import difflib
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from salesdocs.errors import SalesdocsError
from salesdocs.render.docx.ooxml import CLAUSES_NS

__all__ = ["Change", "ClauseEdit", "DocxReadError", "Figure", "Redline", "read_redline"]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SD = "{" + CLAUSES_NS + "}"
MAX_PART = 50 * 1024 * 1024  # a DOCX part larger than this is not one of ours (zip bombs stop here)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_INSERT, _DELETE = (W + "ins", W + "moveTo"), (W + "del", W + "moveFrom")


class DocxReadError(SalesdocsError):
    """The file is not a DOCX salesdocs can read (corrupt, encrypted, not Word, not ours)."""


@dataclass(frozen=True)
class Change:
    """One edit inside a clause: tracked (with author and date) or untracked (found by comparison)."""

    kind: str  # "insert" | "delete"
    text: str
    author: str = ""
    date: str = ""
    tracked: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "text": self.text, "author": self.author, "date": self.date, "tracked": self.tracked}


@dataclass(frozen=True)
class Figure:
    """An edited value that comes from the policy or the deal: where to change it instead."""

    name: str  # the placeholder, e.g. refunds.ladders[copywriting].steps[revision-3].percent
    printed: str
    file: str = ""
    line: int = 0
    column: int = 0
    zh: str = ""
    en: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "placeholder": self.name,
            "printed": self.printed,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message_zh": self.zh,
            "message_en": self.en,
        }


@dataclass(frozen=True)
class ClauseEdit:
    id: str
    label: str
    source: str  # the original wording, with placeholders
    before: str  # the original text as printed
    after: str
    changes: tuple[Change, ...]
    figures: tuple[Figure, ...] = ()
    new_source: str | None = None  # the new wording with placeholders; None when a figure was edited

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "before": self.before,
            "after": self.after,
            "changes": [c.to_json() for c in self.changes],
            "figures": [f.to_json() for f in self.figures],
            "wording": self.new_source,
        }


@dataclass(frozen=True)
class Redline:
    path: Path
    deal: str
    policy_version: str
    contract_version: str
    inputs_hash: str
    clauses: tuple[ClauseEdit, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "deal": self.deal,
            "policy_version": self.policy_version,
            "contract_version": self.contract_version,
            "inputs_hash": self.inputs_hash,
            "clauses": [c.to_json() for c in self.clauses],
        }


# ----------------------------------------------------------------------------- the package


def _bad(path: Path, zh: str, en: str) -> DocxReadError:
    return DocxReadError(f"{path}：{zh}", f"{path}: {en}")


def _parse(data: bytes, path: Path, part: str) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise _bad(path, f"文件已损坏（{part} 不是有效的 XML：{exc}）", f"the file is corrupt ({part} is not valid XML: {exc})") from None


def _read_parts(path: Path) -> dict[str, bytes]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _bad(path, f"无法读取：{exc.strerror or exc}", f"cannot read it: {exc.strerror or exc}") from None
    if raw.startswith(OLE_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in raw:
            raise _bad(
                path,
                "文件设有打开密码（已加密），请在 Word 中取消密码后另存再试",
                "the file is password-protected (encrypted); remove the password in Word, save, and try again",
            )
        raise _bad(
            path,
            "这是旧版 Word（.doc）或其他 Office 文件，不是 DOCX；请在 Word 中另存为 .docx",
            "this is an old Word (.doc) or other Office file, not a DOCX; save it as .docx in Word",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            parts = {}
            for info in z.infolist():
                if info.file_size > MAX_PART:
                    raise _bad(
                        path,
                        f"文件中的 {info.filename} 过大，不是 salesdocs 生成的合同附件",
                        f"{info.filename} inside is too large: not a salesdocs appendix",
                    )
                if info.filename == "word/document.xml" or info.filename.startswith("customXml/item"):
                    parts[info.filename] = z.read(info)
    except zipfile.BadZipFile:
        if raw[:4] == b"PK\x03\x04":
            raise _bad(
                path,
                "文件已损坏（ZIP 结构不完整），请重新从 Word 另存",
                "the file is corrupt (broken ZIP structure); save it again from Word",
            ) from None
        raise _bad(
            path, "不是 DOCX 文件（DOCX 是 ZIP 包，这个文件不是）", "not a DOCX file (a DOCX is a ZIP package; this is not)"
        ) from None
    except (zipfile.LargeZipFile, NotImplementedError, OSError, EOFError) as exc:
        raise _bad(path, f"文件已损坏（{exc}）", f"the file is corrupt ({exc})") from None
    if "word/document.xml" not in parts:
        raise _bad(path, "ZIP 包中没有 word/document.xml：不是 Word 文档", "no word/document.xml in the package: not a Word document")
    return parts


def _clause_data(parts: dict[str, bytes], path: Path) -> etree._Element:
    for name in sorted(parts):
        if name.startswith("customXml/item") and not name.startswith("customXml/itemProps"):
            root = _parse(parts[name], path, name)
            if root.tag == SD + "appendix":
                return root
    raise _bad(
        path,
        "文件中没有 salesdocs 的条款数据：它不是 salesdocs render appendix 生成的合同附件（报价单的 Word 文件不能回读）",
        "no salesdocs clause data in the file: it is not an appendix made by salesdocs render appendix (a quote cannot be read back)",
    )


# ----------------------------------------------------------------------------- the text


@dataclass(frozen=True)
class _Piece:
    text: str
    inserted: tuple[str, str] | None  # (author, date) of the w:ins around it
    deleted: tuple[str, str] | None


def _revisions(el: etree._Element) -> tuple[tuple[str, str] | None, tuple[str, str] | None]:
    inserted = deleted = None
    node = el.getparent()
    while node is not None and node.tag != W + "body":
        who = (node.get(W + "author") or "", node.get(W + "date") or "")
        if node.tag in _INSERT and inserted is None:
            inserted = who
        elif node.tag in _DELETE and deleted is None:
            deleted = who
        node = node.getparent()
    return inserted, deleted


def _pieces(body: etree._Element, names: set[str]) -> dict[str, list[_Piece]]:
    """The text inside each clause bookmark, piece by piece, with the revisions around it."""
    open_marks: dict[str, str] = {}
    found: dict[str, list[_Piece]] = {}
    for el in body.iter():
        tag = el.tag
        if tag == W + "bookmarkStart" and el.get(W + "name") in names:
            name = str(el.get(W + "name"))
            open_marks[str(el.get(W + "id"))] = name
            found.setdefault(name, [])
        elif tag == W + "bookmarkEnd":
            open_marks.pop(str(el.get(W + "id")), None)
        elif open_marks and tag == W + "p":
            for name in open_marks.values():
                if found[name]:
                    found[name].append(_Piece("\n", None, None))
        elif open_marks and tag in (W + "t", W + "delText", W + "tab", W + "br"):
            text = el.text or "" if tag in (W + "t", W + "delText") else ("\t" if tag == W + "tab" else "\n")
            inserted, deleted = _revisions(el)
            for name in open_marks.values():
                found[name].append(_Piece(text, inserted, deleted))
    return found


def _merge(changes: list[Change]) -> tuple[Change, ...]:
    out: list[Change] = []
    for c in changes:
        last = out[-1] if out else None
        if last is not None and (last.kind, last.author, last.date, last.tracked) == (c.kind, c.author, c.date, c.tracked):
            out[-1] = Change(c.kind, last.text + c.text, c.author, c.date, c.tracked)
        else:
            out.append(c)
    return tuple(out)


def _read_clause(pieces: list[_Piece], before: str, author: str | None) -> tuple[str, tuple[Change, ...]]:
    """The clause text with the chosen tracked changes accepted, and every change found."""

    def accepted(rev: tuple[str, str] | None) -> bool:
        return rev is not None and (author is None or rev[0] == author)

    after = "".join(p.text for p in pieces if (p.inserted is None or accepted(p.inserted)) and not accepted(p.deleted))
    base = "".join(p.text for p in pieces if p.inserted is None)  # every tracked change rejected
    tracked = []
    for p in pieces:
        if accepted(p.inserted) and not accepted(p.deleted):
            tracked.append(Change("insert", p.text, *p.inserted))  # type: ignore[misc]
        elif accepted(p.deleted) and p.inserted is None:
            tracked.append(Change("delete", p.text, *p.deleted))  # type: ignore[misc]
    untracked = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, base, autojunk=False).get_opcodes():
        if tag in ("delete", "replace"):
            untracked.append(Change("delete", before[i1:i2], tracked=False))
        if tag in ("insert", "replace"):
            untracked.append(Change("insert", base[j1:j2], tracked=False))
    return after, _merge(untracked) + _merge(tracked)


def _wording(before: str, after: str, source: str, slots: list[tuple[int, int, str]]) -> tuple[str | None, list[tuple[int, int, str]]]:
    """The new wording with placeholders, or None and the slots whose printed value was edited."""
    ops = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    touched = []
    for start, end, name in slots:
        for tag, i1, i2, _, _ in ops:
            if tag != "equal" and ((i1 < end and start < i2) if i1 < i2 else start < i1 < end):
                touched.append((start, end, name))
                break
    if touched:
        return None, touched
    # the source split at the printed values: literal text maps one to one, placeholders stay whole
    pieces: list[tuple[int, int, str, bool]] = []  # (start, end in the printed text, source text, is a placeholder)
    cursor = printed = 0
    for start, end, _ in slots:
        literal = start - printed
        pieces.append((printed, start, source[cursor : cursor + literal], False))
        token = source.index("{", cursor + literal)
        close = source.index("}", token) + 1
        pieces.append((start, end, source[token:close], True))
        cursor, printed = close, end
    pieces.append((printed, len(before), source[cursor:], False))
    out = []
    for tag, i1, i2, j1, j2 in ops:
        if tag != "equal":
            out.append(after[j1:j2])
            continue
        for start, end, text, is_slot in pieces:
            lo, hi = max(start, i1), min(end, i2)
            if lo < hi:
                out.append(text if is_slot else text[lo - start : hi - start])
    return "".join(out), []


def read_redline(path: Path, author: str | None = None) -> tuple[Redline, list[tuple[ClauseEdit, list[tuple[int, int, str]]]]]:
    """Every clause of the DOCX at ``path`` that was edited, and the printed values each edit touched
    (``author``: accept only that author's tracked changes)."""
    parts = _read_parts(path)
    data = _clause_data(parts, path)
    document = _parse(parts["word/document.xml"], path, "word/document.xml")
    body = document.find(W + "body")
    if body is None:
        raise _bad(path, "word/document.xml 没有正文", "word/document.xml has no body")
    clauses = data.findall(SD + "clause")
    pieces = _pieces(body, {str(c.get("bookmark")) for c in clauses})
    edits = []
    for c in clauses:
        source, before = c.findtext(SD + "source") or "", c.findtext(SD + "text") or ""
        slots = [(int(s.get("start", 0)), int(s.get("end", 0)), str(s.get("name"))) for s in c.findall(SD + "slot")]
        found = pieces.get(str(c.get("bookmark")))
        after, changes = _read_clause(found, before, author) if found is not None else ("", (Change("delete", before, tracked=False),))
        if after == before and not changes:
            continue
        wording, touched = _wording(before, after, source, slots) if after != before else (source, [])
        edit = ClauseEdit(str(c.get("id")), str(c.get("label")), source, before, after, changes, (), wording)
        edits.append((edit, touched))
    redline = Redline(
        path,
        str(data.get("deal", "")),
        str(data.get("policy-version", "")),
        str(data.get("contract-version", "")),
        str(data.get("inputs-hash", "")),
    )
    return redline, edits
