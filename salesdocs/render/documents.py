"""Document kinds → prepared documents → PDFs.

:func:`render` is the library entry point used by the ``render`` command and by the batch
build: it prepares each part of a document kind (a visit pack is a brief and a handout)
and writes it atomically.  :func:`prepare` builds a document without WeasyPrint, so an
incremental build can compare inputs hashes first; :func:`render_prepared` writes one.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from salesdocs.api import deal_workspace, find_deal
from salesdocs.engine.pricing import quote_number
from salesdocs.errors import PolicyError, Problem, UsageError
from salesdocs.model import DOC_LANGUAGES, Deal, DocLanguage, Workspace
from salesdocs.policy.audience import client_facing_yaml
from salesdocs.policy.releases import view
from salesdocs.records.period import resolve_period
from salesdocs.render import context as ctx
from salesdocs.render.aftersales import prepare_aftersales
from salesdocs.render.inputs import Prepared, appendix_inputs, find_stylesheet, hash_inputs, inputs_of, midnight, template_dirs
from salesdocs.render.intro_en import intro_title_en
from salesdocs.render.kinds import DocumentKind, out_path
from salesdocs.render.uses import files_used
from salesdocs.render.visitpack import find_client, prepare_brief, prepare_handout

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

    from salesdocs.workspace import CheckResult

__all__ = [
    "DocumentJob",
    "Prepared",
    "kind_of",
    "placeholders_shown",
    "prepare",
    "render",
    "render_checked",
    "render_html",
    "render_prepared",
    "resolve_target",
]


@dataclass(frozen=True)
class DocumentJob:
    """One PDF to make (or, for a visit pack, one folder): what kind, for which target, where it goes."""

    kind: DocumentKind
    target: str | None  # deal id, client id, report period slug, or None
    out_path: Path
    doc_lang: str | None = None  # --doc-lang (the intro in English); None: the document's own language

    @property
    def label(self) -> str:
        label = f"{self.kind.value} {self.target}" if self.target else self.kind.value
        return f"{label} ({self.doc_lang})" if self.doc_lang else label


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


def doc_language(ws: Workspace, kind: DocumentKind, target: str | None, doc_lang: str | None = None) -> DocLanguage:
    """The language a document is written in: ``--doc-lang`` for the quote, the appendix and the
    intro; else a deal's own language, else its client's, else zh.  The brief is always Chinese."""
    if doc_lang is not None and doc_lang not in DOC_LANGUAGES:
        raise UsageError(f"未知的文档语言 {doc_lang}；可选：zh、en、zh-en", f"unknown document language {doc_lang}; choose zh, en or zh-en")
    if kind in (DocumentKind.QUOTE, DocumentKind.APPENDIX):
        deal = _deal(ws, target)
        return next(lang for lang in DOC_LANGUAGES if lang == (doc_lang or deal.doc_language(ws.client(deal.client))))
    if kind is DocumentKind.INTRO and doc_lang is not None:
        return next(lang for lang in DOC_LANGUAGES if lang == doc_lang)
    return "zh"


TITLES_EN = {DocumentKind.QUOTE: "Quotation", DocumentKind.APPENDIX: "Service Agreement"}


def _titled(title: str, kind: DocumentKind, lang: DocLanguage, number: str) -> str:
    """The PDF's title in the document's language (中英对照: both)."""
    english = f"{TITLES_EN[kind]} {number}"
    return {"zh": title, "en": english, "zh-en": f"{title} · {english}"}[lang]


def _client_name(ws: Workspace, deal: Deal) -> str:
    client = ws.client(deal.client)
    return client.name if client else deal.client


def require_intro_english(ws: Workspace, lang: DocLanguage) -> None:
    """An intro in en or zh-en needs the English of every text it prints: raise :class:`PolicyError` with
    each missing one, located at its Chinese (``check`` requires them only when a client or deal uses English)."""
    from salesdocs.policy.checks.needs import intro_needs, intro_problem
    from salesdocs.policy.reader import read_yaml_bytes

    rules = {}
    for f in ws.policy.files:
        doc, _ = read_yaml_bytes(ws.sources[f.rel], f.rel)
        if doc is not None:
            rules[f.name] = doc
    command = f"salesdocs render intro --doc-lang {lang}"
    problems = [intro_problem(need, command, command) for need in intro_needs(rules)]
    if problems:
        raise PolicyError(problems)


def _prepare_intro(ws: Workspace, target: str | None, doc_lang: str | None = None, **_: Any) -> Prepared:
    lang = doc_language(ws, DocumentKind.INTRO, target, doc_lang)
    if lang != "zh":
        require_intro_english(ws, lang)
    inputs = inputs_of(ws, extra=[("doc-lang", lang.encode())] if lang != "zh" else [])
    h = hash_inputs(inputs)
    zh_title, en_title = ctx.intro_title(ws.policy), intro_title_en(ws.policy)
    return Prepared(
        template="intro.html",
        build_context=lambda: ctx.intro(ws, h, lang),
        title={"zh": zh_title, "en": en_title}.get(lang, f"{zh_title} · {en_title}"),
        subject={"zh": "公司介绍", "en": "Company profile"}.get(lang, "公司介绍 · Company profile"),
        keywords=["公司介绍", "服务目录"],
        created=midnight(ws.policy.effective),
        inputs=inputs,
        inputs_hash=h,
        pdf_a=False,
    )


def _prepare_quote(ws: Workspace, target: str | None, doc_lang: str | None = None, *, policy: str | None = None, **_: Any) -> Prepared:
    deal = _deal(ws, target)
    ws = deal_workspace(ws, deal, policy)
    lang = doc_language(ws, DocumentKind.QUOTE, target, doc_lang)
    inputs = inputs_of(ws, deal, extra=[("doc-lang", lang.encode())])
    h = hash_inputs(inputs)
    return Prepared(
        template="quote.html",
        build_context=lambda: ctx.quote(ws, deal, h, lang),
        title=_titled(ctx.quote_title(ws.policy, deal), DocumentKind.QUOTE, lang, quote_number(ws.policy, deal)),
        subject=f"报价单 · {_client_name(ws, deal)}",
        keywords=["报价单", deal.id],
        created=midnight(deal.date),
        inputs=inputs,
        inputs_hash=h,
        pdf_a=True,
        workspace=ws,
    )


def _prepare_appendix(ws: Workspace, target: str | None, doc_lang: str | None = None, *, policy: str | None = None, **_: Any) -> Prepared:
    deal = _deal(ws, target)
    ws = deal_workspace(ws, deal, policy)
    lang = doc_language(ws, DocumentKind.APPENDIX, target, doc_lang)
    inputs = appendix_inputs(ws, deal, lang)
    h = hash_inputs(inputs)
    return Prepared(
        template="appendix.html",
        build_context=lambda: ctx.appendix(ws, deal, h, lang),
        title=_titled(ctx.appendix_title(ws.policy, deal), DocumentKind.APPENDIX, lang, quote_number(ws.policy, deal)),
        subject=f"{ws.policy.contract.title} · {_client_name(ws, deal)}",
        keywords=["合同附件", "服务协议", deal.id],
        created=midnight(deal.date),
        inputs=inputs,
        inputs_hash=h,
        pdf_a=True,
        workspace=ws,
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
    policy = options.pop("policy", None)
    if policy is not None and not k.needs_deal:  # a deal's documents choose their policy themselves
        ws = view(ws, policy)
    prepared = builder(ws, target, policy=policy, **options)
    return prepared if prepared.workspace is not None else replace(prepared, workspace=ws)


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

    ws = prepared.workspace or ws
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
        keywords=[*prepared.keywords, f"policy {ws.policy.version}", *(["草稿 draft"] if ws.policy.draft else [])],
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


def destination(kind: DocumentKind, out: Path | str | None, default: Path) -> Path:
    """Where ``render -o`` puts a document: ``default`` without ``-o``; a visit pack's folder; a file
    ending in .pdf or .docx; or, for a folder (one that exists, or written with a trailing /), the
    document's usual file name in it.  Any other name is refused before anything is rendered."""
    if out is None:
        return default
    path = Path(out)
    if kind is DocumentKind.VISIT_PACK:
        return path
    if str(out).endswith(("/", os.sep)) or path.is_dir():
        if path.exists() and not path.is_dir():
            raise UsageError(
                f"-o {out}：{path} 是一个文件，不是文件夹；要写成这个文件，去掉末尾的 /",
                f"-o {out}: {path} is a file, not a folder; to write that file, drop the trailing /",
            )
        return path / default.name
    if path.suffix.lower() in (".pdf", ".docx"):
        return path
    if path.suffix.lower() == ".doc":
        raise UsageError(
            f"-o {out}：salesdocs 不写旧的 .doc 格式；请写 {path.with_suffix('.pdf')}，或报价单、合同附件写 "
            f"{path.with_suffix('.docx')}（Word 2007 及以后的版本都能打开）",
            f"-o {out}: salesdocs does not write the old .doc format; write {path.with_suffix('.pdf')}, or for a quote "
            f"or an appendix {path.with_suffix('.docx')} (opens in Word 2007 and later)",
        )
    meant = path.with_name(path.stem) if Path(path.stem).suffix.lower() in (".pdf", ".docx") else path.with_suffix(".pdf")
    raise UsageError(
        f"-o {out}：文件名要以 .pdf 或 .docx 结尾，例如 -o {meant}；要放进一个文件夹，请在末尾加 /（例如 -o {out}/）",
        f"-o {out}: the file name must end in .pdf or .docx, e.g. -o {meant}; for a folder, end it with / (e.g. -o {out}/)",
    )


def render(ws: Workspace, kind: DocumentKind | str, target: str | None = None, out: Path | str | None = None, **options: Any) -> list[Path]:
    """Render a document kind for ``target`` and return the files written.

    ``out`` is the file to write, .pdf or .docx, or a folder (see :func:`destination`); by default
    the file goes under the workspace's ``out/`` as :func:`salesdocs.render.kinds.out_path` names it.  ``options`` are
    passed to the preparer (``deal=`` for a visit pack, ``date_from``/``date_to``/``db`` for the
    after-sales report).
    """
    k = kind_of(kind)
    resolved = resolve_target(ws, k, target, **options)
    # the report is prepared from the user's own period words; the others from the canonical id
    prepare_target = target if k is DocumentKind.AFTERSALES else resolved
    lang = doc_language(ws, k, resolved, options.get("doc_lang"))
    written = destination(k, out, out_path(ws.root / "out", k, resolved, lang))
    if written.suffix.lower() == ".docx":  # the format follows the file name (quote, appendix)
        from salesdocs.render.docx import write_docx

        if lang != "zh":
            raise UsageError(
                f"Word 文件目前只有中文版；{lang} 的报价单与合同附件请生成 PDF（-o 文件名以 .pdf 结尾）",
                f"Word files are Chinese only for now; for {lang} quotes and appendices write a PDF (-o ending in .pdf)",
            )

        return [write_docx(ws, prepare(ws, k, prepare_target, **options), k, str(resolved), written)]
    if k is DocumentKind.VISIT_PACK:
        return [render_prepared(ws, prepare(ws, part, prepare_target, **options), written / f"{part.value}.pdf") for part in k.parts]
    return [render_prepared(ws, prepare(ws, k, prepare_target, **options), written)]


def render_checked(
    checked: CheckResult, kind: DocumentKind | str, target: str | None = None, out: Path | str | None = None, **options: Any
) -> tuple[list[Path], list[str]]:
    """Render from a checked workspace whose other files may be broken: the files written, and the
    files with errors this document does not use (to be named in a warning).

    Raises :class:`PolicyError` with the problems of the files it uses
    (:func:`salesdocs.workspace.blocking_errors` is the rule, shared with the batch build).
    """
    from salesdocs.workspace import blocking_errors, unused_broken_files

    ws = checked.partial
    if ws is None:
        raise PolicyError(checked.errors or checked.problems)
    k = kind_of(kind)
    uses = files_used(ws, k, target, **options)
    blocking = blocking_errors(checked, uses)
    if blocking:
        raise PolicyError(blocking)
    return render(ws, k, target, out, **options), unused_broken_files(checked, uses)


#: documents a client receives (the brief and the after-sales report are internal)
CLIENT_FACING = frozenset({DocumentKind.INTRO, DocumentKind.QUOTE, DocumentKind.APPENDIX, DocumentKind.HANDOUT, DocumentKind.VISIT_PACK})
_PLACEHOLDER = re.compile(r"placeholder text '(.*)'; replace it", re.DOTALL)


def placeholders_shown(checked: CheckResult, kind: DocumentKind | str, target: str | None = None, **options: Any) -> list[Problem]:
    """The ``placeholder-text`` warnings whose text a client-facing document prints: of the files it uses,
    the text found in the document's HTML (what the PDF is made from)."""
    ws, k = checked.partial, kind_of(kind)
    if ws is None or k not in CLIENT_FACING:
        return []
    uses = set(files_used(ws, k, target, **options))
    candidates = [p for p in checked.problems if p.code == "placeholder-text" and p.file in uses]
    if not candidates:
        return []
    resolved = resolve_target(ws, k, target, **options)
    printed = "\x1f".join(html.unescape(_html_of(ws, prepare(ws, part, resolved, **options))) for part in k.parts)
    return [p for p in candidates if (m := _PLACEHOLDER.search(p.en)) and m.group(1) in printed]


def _html_of(ws: Workspace, prepared: Prepared) -> str:
    return render_html(prepared.workspace or ws, prepared)
