"""Document kinds: each maps to a template, a context builder and its inputs.

:func:`render_document` is the one way any PDF is produced: it hashes the
exact inputs (policy files, client, deal, templates, salesdocs version), builds
the context, renders the HTML in the sandbox and hands it to the PDF writer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from datetime import datetime, time, timezone
from pathlib import Path
from typing import Any

from salesdocs import __version__
from salesdocs.errors import RenderError, UsageError
from salesdocs.policy.model import Deal, Workspace
from salesdocs.render import context as ctx

PACKAGED_TEMPLATES = Path(__file__).resolve().parent.parent / "defaults" / "templates"
STYLESHEET = "base.css"


@dataclass(frozen=True)
class DocumentJob:
    """One PDF to make: what kind, for which target, where it goes."""

    kind: str  # intro | quote | appendix | aftersales | brief | handout
    target: str | None  # deal id, client id, or None
    out_path: Path

    @property
    def label(self) -> str:
        return f"{self.kind} {self.target}" if self.target else self.kind


def template_dirs(ws_root: Path) -> list[Path]:
    """Workspace ``templates/`` first (overrides), packaged defaults second."""
    dirs = []
    local = ws_root / "templates"
    if local.is_dir():
        dirs.append(local)
    if PACKAGED_TEMPLATES.resolve() not in [d.resolve() for d in dirs]:
        dirs.append(PACKAGED_TEMPLATES)
    return dirs


def template_files(ws_root: Path) -> dict[str, bytes]:
    """Every template file that can take part in a render, as the loader would pick it."""
    chosen: dict[str, bytes] = {}
    for folder in template_dirs(ws_root):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".html", ".css", ".svg", ".png", ".jpg", ".ttf", ".otf", ".woff", ".woff2"):
                name = path.relative_to(folder).as_posix()
                chosen.setdefault(name, path.read_bytes())
    return chosen


def find_stylesheet(ws_root: Path, name: str = STYLESHEET) -> Path:
    for folder in template_dirs(ws_root):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    raise RenderError(f"找不到样式表 {name}", f"stylesheet {name} not found")


def inputs_of(ws: Workspace, deal: Deal | None = None, client_id: str | None = None, extra: Sequence[tuple[str, bytes]] = ()) -> list[tuple[str, bytes]]:
    """The exact inputs of a document, as (name, bytes) in a stable order."""
    items: list[tuple[str, bytes]] = [(f.rel, ws.sources[f.rel]) for f in ws.policy.files]
    client_id = client_id or (deal.client if deal else None)
    if client_id and (client := ws.client(client_id)) is not None:
        items.append((client.rel, ws.sources[client.rel]))
    if deal is not None:
        items.append((deal.rel, ws.sources[deal.rel]))
    items.extend((f"templates/{name}", data) for name, data in sorted(template_files(ws.root).items()))
    items.append(("salesdocs-version", __version__.encode()))
    items.extend(extra)
    return items


def hash_inputs(items: Sequence[tuple[str, bytes]]) -> str:
    digest = hashlib.sha256()
    for name, data in items:
        digest.update(name.encode("utf-8") + b"\0" + str(len(data)).encode() + b"\0" + data)
    return digest.hexdigest()


def _deal(ws: Workspace, target: str | None) -> Deal:
    from salesdocs.api import find_deal

    if not target:
        raise UsageError("需要指定交易（deal id 或文件路径）", "a deal is required (deal id or file path)")
    return find_deal(ws, target)


@dataclass(frozen=True)
class Prepared:
    """Everything needed to write one PDF, computed without WeasyPrint.

    ``build_context`` is the template context, or a function that builds it on first use
    of :attr:`context`: an incremental build compares ``inputs_hash`` first and never
    computes the context of a document that has not changed.
    """

    template: str
    build_context: Callable[[], dict[str, Any]] | dict[str, Any]
    title: str
    subject: str
    keywords: list[str]
    created: datetime
    inputs: list[tuple[str, bytes]]
    inputs_hash: str
    pdf_a: bool

    @cached_property
    def context(self) -> dict[str, Any]:
        return self.build_context() if callable(self.build_context) else self.build_context


def _midnight(day: Any) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=timezone.utc)


def prepare(ws: Workspace, kind: str, target: str | None, **options: Any) -> Prepared:
    """Context, inputs and metadata of a document (no rendering yet)."""
    builder = PREPARERS.get(kind)
    if builder is None:
        raise UsageError(
            f"未知的文档类型 {kind}；可选：{', '.join(PREPARERS)}", f"unknown document kind {kind}; choose one of: {', '.join(PREPARERS)}"
        )
    return builder(ws, target, **options)


def _prepare_intro(ws: Workspace, target: str | None, **_: Any) -> Prepared:
    inputs = inputs_of(ws)
    h = hash_inputs(inputs)
    title = ctx.intro_title(ws.policy)
    return Prepared("intro.html", lambda: ctx.intro(ws, h), title, "公司介绍", ["公司介绍", "服务目录"], _midnight(ws.policy.effective), inputs, h, False)


def _client_name(ws: Workspace, deal: Deal) -> str:
    client = ws.client(deal.client)
    return client.name if client else deal.client


def _prepare_quote(ws: Workspace, target: str | None, **_: Any) -> Prepared:
    deal = _deal(ws, target)
    inputs = inputs_of(ws, deal)
    h = hash_inputs(inputs)
    title = ctx.quote_title(ws.policy, deal)
    return Prepared("quote.html", lambda: ctx.quote(ws, deal, h), title, f"报价单 · {_client_name(ws, deal)}", ["报价单", deal.id], _midnight(deal.date), inputs, h, True)


def _prepare_appendix(ws: Workspace, target: str | None, **_: Any) -> Prepared:
    deal = _deal(ws, target)
    inputs = inputs_of(ws, deal)
    h = hash_inputs(inputs)
    title = ctx.appendix_title(ws.policy, deal)
    return Prepared("appendix.html", lambda: ctx.appendix(ws, deal, h), title, f"合同附件 · {_client_name(ws, deal)}", ["合同附件", "服务协议", deal.id], _midnight(deal.date), inputs, h, True)


def _prepare_aftersales(ws: Workspace, target: str | None, **options: Any) -> Prepared:
    from salesdocs.records.report import prepare_aftersales

    return prepare_aftersales(ws, target, **options)


def _prepare_brief(ws: Workspace, target: str | None, **options: Any) -> Prepared:
    from salesdocs.render.visitpack import prepare_brief

    return prepare_brief(ws, target, **options)


def _prepare_handout(ws: Workspace, target: str | None, **options: Any) -> Prepared:
    from salesdocs.render.visitpack import prepare_handout

    return prepare_handout(ws, target, **options)


PREPARERS: dict[str, Callable[..., Prepared]] = {
    "intro": _prepare_intro,
    "quote": _prepare_quote,
    "appendix": _prepare_appendix,
    "aftersales": _prepare_aftersales,
    "brief": _prepare_brief,
    "handout": _prepare_handout,
}


def _ascii_name(rel: str) -> str:
    name = rel.replace("/", "__")
    return "".join(ch if 32 < ord(ch) < 127 else "_" for ch in name)


@lru_cache(maxsize=8)
def environment(dirs: tuple[Path, ...]) -> Any:
    """One sandboxed environment per template search path, so compiled templates are reused
    across documents (the loader's up-to-date check reloads a template edited meanwhile)."""
    from salesdocs.render.environment import make_environment

    return make_environment(dirs)


def render_html(ws: Workspace, prepared: Prepared) -> str:
    from salesdocs.render.environment import render_template

    return render_template(environment(tuple(template_dirs(ws.root))), prepared.template, prepared.context)


def render_prepared(ws: Workspace, prepared: Prepared, out_path: Path) -> Path:
    from salesdocs.render.pdf import Attachment, PdfMeta, write_pdf

    html = render_html(ws, prepared)
    attachments: list[Attachment] = []
    if prepared.pdf_a:
        attachments = [
            Attachment(_ascii_name(name), data, f"salesdocs source {name}")
            for name, data in prepared.inputs
            if name.startswith(("rules/", "deals/", "clients/"))
        ]
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


def render_document(ws: Workspace, kind: str, target: str | None, out_path: Path, **options: Any) -> Path:
    """Render one document to ``out_path`` (atomically)."""
    return render_prepared(ws, prepare(ws, kind, target, **options), out_path)


def default_out_path(ws: Workspace, kind: str, target: str | None) -> Path:
    out = ws.root / "out"
    if kind == "intro":
        return out / "intro.pdf"
    return out / f"{kind}-{target}.pdf"
