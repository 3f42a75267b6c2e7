"""Document kinds → prepared documents → PDFs.

:func:`render` is the library entry point used by the ``render`` command and by the batch
build: it prepares each part of a document kind (a visit pack is a brief and a handout)
and writes it atomically.  :func:`prepare` builds a document without WeasyPrint, so an
incremental build can compare inputs hashes first; :func:`render_prepared` writes one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salesdocs.api import find_deal
from salesdocs.errors import UsageError
from salesdocs.model import Deal, Workspace
from salesdocs.policy.audience import client_facing_yaml
from salesdocs.records.period import resolve_period
from salesdocs.render import context as ctx
from salesdocs.render.aftersales import prepare_aftersales
from salesdocs.render.inputs import Prepared, appendix_inputs, find_stylesheet, hash_inputs, inputs_of, midnight, template_dirs
from salesdocs.render.kinds import DocumentKind, out_path
from salesdocs.render.visitpack import find_client, prepare_brief, prepare_handout

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

__all__ = ["DocumentJob", "Prepared", "kind_of", "prepare", "render", "render_html", "render_prepared", "resolve_target"]


@dataclass(frozen=True)
class DocumentJob:
    """One PDF to make (or, for a visit pack, one folder): what kind, for which target, where it goes."""

    kind: DocumentKind
    target: str | None  # deal id, client id, report period slug, or None
    out_path: Path

    @property
    def label(self) -> str:
        return f"{self.kind.value} {self.target}" if self.target else self.kind.value


def kind_of(kind: DocumentKind | str) -> DocumentKind:
    """A :class:`DocumentKind` from its name; an unknown name is a :class:`UsageError` listing the kinds."""
    if isinstance(kind, DocumentKind):
        return kind
    try:
        return DocumentKind(kind)
    except ValueError:
        names = ", ".join(k.value for k in DocumentKind)
        raise UsageError(f"未知的文档类型 {kind}；可选：{names}", f"unknown document kind {kind}; choose one of: {names}") from None


def _deal(ws: Workspace, target: str | None) -> Deal:
    if not target:
        raise UsageError("需要指定交易（deal id 或文件路径）", "a deal is required (deal id or file path)")
    return find_deal(ws, target)


def _client_name(ws: Workspace, deal: Deal) -> str:
    client = ws.client(deal.client)
    return client.name if client else deal.client


def _prepare_intro(ws: Workspace, target: str | None, **_: Any) -> Prepared:
    inputs = inputs_of(ws)
    h = hash_inputs(inputs)
    return Prepared(
        template="intro.html",
        build_context=lambda: ctx.intro(ws, h),
        title=ctx.intro_title(ws.policy),
        subject="公司介绍",
        keywords=["公司介绍", "服务目录"],
        created=midnight(ws.policy.effective),
        inputs=inputs,
        inputs_hash=h,
        pdf_a=False,
    )


def _prepare_quote(ws: Workspace, target: str | None, **_: Any) -> Prepared:
    deal = _deal(ws, target)
    inputs = inputs_of(ws, deal)
    h = hash_inputs(inputs)
    return Prepared(
        template="quote.html",
        build_context=lambda: ctx.quote(ws, deal, h),
        title=ctx.quote_title(ws.policy, deal),
        subject=f"报价单 · {_client_name(ws, deal)}",
        keywords=["报价单", deal.id],
        created=midnight(deal.date),
        inputs=inputs,
        inputs_hash=h,
        pdf_a=True,
    )


def _prepare_appendix(ws: Workspace, target: str | None, **_: Any) -> Prepared:
    deal = _deal(ws, target)
    inputs = appendix_inputs(ws, deal)
    h = hash_inputs(inputs)
    return Prepared(
        template="appendix.html",
        build_context=lambda: ctx.appendix(ws, deal, h),
        title=ctx.appendix_title(ws.policy, deal),
        subject=f"{ws.policy.contract.title} · {_client_name(ws, deal)}",
        keywords=["合同附件", "服务协议", deal.id],
        created=midnight(deal.date),
        inputs=inputs,
        inputs_hash=h,
        pdf_a=True,
    )


PREPARERS: dict[DocumentKind, Callable[..., Prepared]] = {
    DocumentKind.INTRO: _prepare_intro,
    DocumentKind.QUOTE: _prepare_quote,
    DocumentKind.APPENDIX: _prepare_appendix,
    DocumentKind.AFTERSALES: prepare_aftersales,
    DocumentKind.BRIEF: prepare_brief,
    DocumentKind.HANDOUT: prepare_handout,
}


def prepare(ws: Workspace, kind: DocumentKind | str, target: str | None, **options: Any) -> Prepared:
    """Context, inputs and metadata of one single document (no rendering yet)."""
    k = kind_of(kind)
    builder = PREPARERS.get(k)
    if builder is None:
        parts = " + ".join(p.value for p in k.parts)
        raise UsageError(f"{k.value} 由多个文档组成（{parts}），请用 render()", f"{k.value} is several documents ({parts}); use render()")
    return builder(ws, target, **options)


def _ascii_name(rel: str) -> str:
    name = rel.replace("/", "__")
    return "".join(ch if 32 < ord(ch) < 127 else "_" for ch in name)


@lru_cache(maxsize=8)
def environment(dirs: tuple[Path, ...]) -> SandboxedEnvironment:
    """One sandboxed environment per template search path, so compiled templates are reused
    across documents (the loader's up-to-date check reloads a template edited meanwhile)."""
    from salesdocs.render.environment import make_environment

    return make_environment(dirs)


def render_html(ws: Workspace, prepared: Prepared) -> str:
    from salesdocs.render.environment import render_template

    return render_template(environment(tuple(template_dirs(ws.root))), prepared.template, prepared.context)


def render_prepared(ws: Workspace, prepared: Prepared, out_path: Path) -> Path:
    """Write one prepared document as a PDF at ``out_path`` (atomically); returns the path."""
    from salesdocs.render.pdf import Attachment, PdfMeta, write_pdf

    html = render_html(ws, prepared)
    attachments: list[Attachment] = []
    if prepared.pdf_a:  # the quote and the appendix: the deal and the policy it cites, client-facing parts only
        for name, data in prepared.inputs:
            projected = client_facing_yaml(name, data) if name.startswith(("rules/", "deals/")) else None
            if projected is not None:
                attachments.append(Attachment(_ascii_name(name), projected, f"salesdocs source {name} (client-facing part)"))
    meta = PdfMeta(
        title=prepared.title,
        author=ws.policy.company.name,
        subject=prepared.subject,
        keywords=[*prepared.keywords, f"policy {ws.policy.version}"],
        created=prepared.created,
        inputs_hash=prepared.inputs_hash,
    )
    dirs = template_dirs(ws.root)
    return write_pdf(
        html,
        out_path,
        base_url=dirs[0],
        allowed_roots=[ws.root, *dirs],
        meta=meta,
        attachments=attachments,
        pdf_a=prepared.pdf_a,
        stylesheets=[find_stylesheet(ws.root)],
    )


def resolve_target(ws: Workspace, kind: DocumentKind, target: str | None, **options: Any) -> str | None:
    """The canonical target of a document: the deal id (a deal may be named by its file path),
    the client id, or the after-sales report's period slug; a missing target is a UsageError."""
    if kind.needs_deal:
        if not target:
            choices = ", ".join(sorted(ws.deals)) or "—"
            raise UsageError(
                f"{kind.value} 需要指定交易：salesdocs render {kind.value} DEAL；可选：{choices}",
                f"{kind.value} needs a deal: salesdocs render {kind.value} DEAL; choose one of: {choices}",
            )
        return find_deal(ws, target).id
    if kind.needs_client:
        return find_client(ws, target).id
    if kind is DocumentKind.AFTERSALES:
        return resolve_period(target, options.get("date_from"), options.get("date_to"), options.get("today")).slug
    return None


def render(ws: Workspace, kind: DocumentKind | str, target: str | None = None, out: Path | None = None, **options: Any) -> list[Path]:
    """Render a document kind for ``target`` and return the files written.

    ``out`` is the PDF to write (a folder for a visit pack); by default the file goes under the
    workspace's ``out/`` as :func:`salesdocs.render.kinds.out_path` names it.  ``options`` are
    passed to the preparer (``deal=`` for a visit pack, ``date_from``/``date_to``/``db`` for the
    after-sales report).
    """
    k = kind_of(kind)
    resolved = resolve_target(ws, k, target, **options)
    # the report is prepared from the user's own period words; the others from the canonical id
    prepare_target = target if k is DocumentKind.AFTERSALES else resolved
    destination = out or out_path(ws.root / "out", k, resolved)
    if destination.suffix.lower() == ".docx":  # the format follows the file name (quote, appendix)
        from salesdocs.render.docx import write_docx

        return [write_docx(ws, prepare(ws, k, prepare_target, **options), k, str(resolved), destination)]
    if k is DocumentKind.VISIT_PACK:
        return [render_prepared(ws, prepare(ws, part, prepare_target, **options), destination / f"{part.value}.pdf") for part in k.parts]
    return [render_prepared(ws, prepare(ws, k, prepare_target, **options), destination)]
