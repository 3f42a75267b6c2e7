"""The 修订对照表 (amendment table) of two policy versions as a reproducible A4-landscape PDF.

Columns 序号 / 条款 / 原条款 / 修订后条款 / 说明, as Chinese legal practice presents amended rules:
deleted words struck through in the old wording, inserted words underlined in the new.  The table
is for colleagues and clients alike, so it lists no deal and no internal rule (the discount limit).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from salesdocs.policies import PolicyDiff, Side
from salesdocs.policy.diff import Change
from salesdocs.render.context import company_ctx, doc_ctx
from salesdocs.render.inputs import hash_inputs, midnight
from salesdocs.version import __version__

TEMPLATE = "revisions.html"
STYLESHEETS = ("base.css", "revisions.css")


def _side(side: Side) -> dict[str, Any]:
    return {"name": side.name, "effective": side.effective, "draft": side.draft}


def _row(number: int, change: Change) -> dict[str, Any]:
    return {
        "number": number,
        "article": change.article,
        "rule": change.label,
        "path": change.path,
        "status": change.status,
        "before": [{"op": s.op, "text": s.text} for s in change.segments if s.op != "insert"] if change.before is not None else [],
        "after": [{"op": s.op, "text": s.text} for s in change.segments if s.op != "delete"] if change.after is not None else [],
        "summary": change.summary,
    }


def revision_context(result: PolicyDiff, inputs_hash: str) -> dict[str, Any]:
    """The table's context: both versions, and one row per client-facing change."""
    shown = [c for c in result.changes if not c.internal]
    draft = result.old.draft or result.new.draft
    return {
        "doc": doc_ctx("修订对照表", "revisions", None),
        "company": company_ctx(result.new.policy),
        "old": _side(result.old),
        "new": _side(result.new),
        "rows": [_row(n, c) for n, c in enumerate(shown, start=1)],
        "provenance": {
            "policy_version": f"{result.old.name} → {result.new.name}",
            "release": None,
            "draft": draft,
            "hash": inputs_hash,
            "short_hash": inputs_hash[:10],
            "files": [],
        },
    }


def write_revision_table(result: PolicyDiff, out: Path, root: Path) -> Path:
    """Write the table as ``out`` with the templates of the workspace at ``root``; the same two
    versions always give the same bytes."""
    from salesdocs.render.documents import environment
    from salesdocs.render.environment import render_template
    from salesdocs.render.inputs import find_stylesheet, template_dirs, template_files
    from salesdocs.render.pdf import PdfMeta, write_pdf

    base = root
    templates = [(f"templates/{n}", d) for n, d in sorted(template_files(base).items())]
    inputs_hash = hash_inputs([*result.inputs, *templates, ("salesdocs-version", __version__.encode())])
    dirs = template_dirs(base)
    html = render_template(environment(tuple(dirs)), TEMPLATE, revision_context(result, inputs_hash))
    meta = PdfMeta(
        title=f"修订对照表 {result.old.name} → {result.new.name}",
        author=result.new.policy.company.name,
        subject="政策修订对照表",
        keywords=["修订对照表", f"policy {result.old.name}", f"policy {result.new.name}"],
        created=midnight(max(result.old.effective, result.new.effective)),
        inputs_hash=inputs_hash,
    )
    sheets = [find_stylesheet(base, name) for name in STYLESHEETS]
    return write_pdf(html, out, base_url=dirs[0], allowed_roots=dirs, meta=meta, stylesheets=sheets)
