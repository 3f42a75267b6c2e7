"""Edits of an appendix DOCX outside every clause: a new paragraph, a changed table cell, a heading.

They cannot be turned into clause wording, but they are changes all the same: each is reported
with where it is (after which clause, in which table), never passed over as "no changes".  The
custom XML part keeps the body's text outside the clauses paragraph by paragraph, so an untracked
edit there is found as well as a tracked one.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any

from lxml import etree

__all__ = ["Outside", "W", "body_paragraphs", "diff_texts", "outside_changes", "revisions"]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_INSERT, _DELETE = (W + "ins", W + "moveTo"), (W + "del", W + "moveFrom")
_TEXT = (W + "t", W + "delText", W + "tab", W + "br")
#: a figure as a reader sees it: an edit inside it is shown as the whole figure ("80%" → "90%")
NUMBER = re.compile(r"[0-9][0-9,，.]*[0-9%％]?|[0-9]")

Rev = tuple[str, str] | None


@dataclass(frozen=True)
class Outside:
    """A change outside every clause, with where it is in the document."""

    kind: str  # "insert" | "delete"
    text: str
    where_zh: str
    where_en: str
    author: str = ""
    date: str = ""
    tracked: bool = True

    @property
    def zh(self) -> str:
        sign = "增加" if self.kind == "insert" else "删除"
        who = f"{self.author} {self.date}".strip() if self.tracked else "未标记修订"
        return f"{self.where_zh}{sign}“{self.text}”（{who}）"

    @property
    def en(self) -> str:
        sign = "inserted" if self.kind == "insert" else "deleted"
        who = f"{self.author} {self.date}".strip() if self.tracked else "untracked"
        return f"{self.where_en}: {sign} “{self.text}” ({who})"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": self.text,
            "author": self.author,
            "date": self.date,
            "tracked": self.tracked,
            "message_zh": self.zh,
            "message_en": self.en,
        }


def revisions(el: Any) -> tuple[Rev, Rev]:
    """The (author, date) of the ``w:ins`` and of the ``w:del`` around ``el`` (None when not in one)."""
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


@dataclass
class _Para:
    where_zh: str
    where_en: str
    pieces: list[tuple[str, Rev, Rev]]


def _walk(body: Any, labels: dict[str, str]) -> list[_Para]:
    """Every body paragraph (table cells included) outside the clause bookmarks ``labels``
    (bookmark name → clause label), in order, with its text pieces and where it is."""
    open_marks: set[str] = set()
    anchor_zh, anchor_en = "正文开头", "the start of the body"
    out: list[_Para] = []
    current: _Para | None = None
    for el in body.iter():
        tag = el.tag
        if tag == W + "bookmarkStart" and el.get(W + "name") in labels:
            open_marks.add(str(el.get(W + "id")))
            label = labels[str(el.get(W + "name"))]
            anchor_zh, anchor_en = f"{label}之后", f"after {label}"
        elif tag == W + "bookmarkEnd":
            open_marks.discard(str(el.get(W + "id")))
        elif tag == W + "p":
            in_table = any(a.tag == W + "tbl" for a in el.iterancestors())
            where = (f"{anchor_zh}的表格中", f"in the table {anchor_en}") if in_table else (anchor_zh, anchor_en)
            current = _Para(*where, [])
            out.append(current)
        elif tag in _TEXT and not open_marks and current is not None:
            text = el.text or "" if tag in (W + "t", W + "delText") else ("\t" if tag == W + "tab" else "\n")
            current.pieces.append((text, *revisions(el)))
            style = el.getparent().getparent().find(f"{W}pPr/{W}pStyle") if el.getparent() is not None else None
            if style is not None and style.get(W + "val") == "Caption":
                caption = "".join(p[0] for p in current.pieces)
                anchor_zh, anchor_en = f"“{caption}”", f"“{caption}”"
    return [p for p in out if p.pieces]


def body_paragraphs(body: Any, labels: dict[str, str]) -> list[str]:
    """The text of every non-empty paragraph outside the clauses, as written (for the custom XML part)."""
    return [t for t in ("".join(x[0] for x in p.pieces) for p in _walk(body, labels)) if t.strip()]


def _grow(s: str, lo: int, hi: int) -> tuple[int, int]:
    for m in NUMBER.finditer(s):
        if (m.start() < hi and lo < m.end()) if lo < hi else (m.start() < lo < m.end()):
            lo, hi = min(lo, m.start()), max(hi, m.end())
    return lo, hi


def diff_texts(before: str, after: str) -> list[tuple[str, str]]:
    """(kind, text) of each untracked edit from ``before`` to ``after``, a figure shown whole
    (an edit of one digit of "80%" is "80%" → "90%", not "8" → "9")."""
    spans: list[tuple[int, int, int, int]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        a1, a2 = _grow(before, i1, i2)
        b1, b2 = _grow(after, j1, j2)
        if spans and a1 <= spans[-1][1] and b1 <= spans[-1][3]:  # the same figure as the last edit
            p1, _, q1, _ = spans.pop()
            a1, b1 = p1, q1
        spans.append((a1, a2, b1, b2))
    out: list[tuple[str, str]] = []
    for a1, a2, b1, b2 in spans:
        if a2 > a1:
            out.append(("delete", before[a1:a2]))
        if b2 > b1:
            out.append(("insert", after[b1:b2]))
    return out


def _tracked(paras: list[_Para], author: str | None) -> list[Outside]:
    out: list[Outside] = []
    for p in paras:
        for text, ins, dele in p.pieces:
            rev, kind = (ins, "insert") if ins is not None and dele is None else (dele, "delete")
            if rev is None or (author is not None and rev[0] != author) or (kind == "delete" and ins is not None):
                continue
            last = out[-1] if out else None
            if last is not None and (last.kind, last.author, last.date, last.where_zh) == (kind, *rev, p.where_zh):
                out[-1] = Outside(kind, last.text + text, p.where_zh, p.where_en, *rev)
            else:
                out.append(Outside(kind, text, p.where_zh, p.where_en, *rev))
    return out


def outside_changes(body: Any, labels: dict[str, str], original: list[str] | None, author: str | None) -> list[Outside]:
    """Every change outside the clauses: tracked ones (of ``author``, or anyone's), and, when the
    file carries the ``original`` paragraphs, untracked ones found by comparison."""
    paras = _walk(body, labels)
    found = _tracked(paras, author)
    if original is None:
        return found
    base = [(t, p) for p in paras if (t := "".join(x[0] for x in p.pieces if x[1] is None)).strip()]
    texts = [t for t, _ in base]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, original, texts, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        where = base[j1][1] if j1 < len(base) else (base[-1][1] if base else _Para("正文末尾", "the end of the body", []))
        if tag == "replace" and i2 - i1 == j2 - j1:
            for k in range(i2 - i1):
                w = base[j1 + k][1]
                edits = diff_texts(original[i1 + k], texts[j1 + k])
                found += [Outside(kind, t, w.where_zh, w.where_en, tracked=False) for kind, t in edits]
            continue
        found += [Outside("delete", t, where.where_zh, where.where_en, tracked=False) for t in original[i1:i2]]
        found += [Outside("insert", t, w.where_zh, w.where_en, tracked=False) for t, w in base[j1:j2]]
    return found


def original_paragraphs(data: Any, ns: str) -> list[str] | None:
    """The paragraphs outside the clauses the custom XML part carries (None in an older file)."""
    el = data.find(ns + "body")
    return None if el is None else [p.text or "" for p in el.findall(ns + "p")]


def add_body(root: Any, ns: str, paragraphs: list[str]) -> None:
    el = etree.SubElement(root, ns + "body")
    for text in paragraphs:
        etree.SubElement(el, ns + "p").text = text
