"""``salesdocs render`` and ``salesdocs build``: the rendering commands."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from salesdocs.cli.problems import format_problem
from salesdocs.cli.session import common, lang, policy_choice, print_json, records_db_used, say, workspace_root
from salesdocs.errors import UsageError
from salesdocs.render.kinds import COMMAND_KINDS

if TYPE_CHECKING:
    from salesdocs.workspace import CheckResult


@click.command()
@click.argument("kind", type=click.Choice(COMMAND_KINDS))
@click.argument("target", required=False)
@click.option(
    "-o",
    "--output",
    type=click.Path(),  # a str: a trailing / (a folder) must survive
    default=None,
    help="输出文件 .pdf 或 .docx（quote、appendix），或以 / 结尾的文件夹（visit-pack：输出目录）"
    "/ output .pdf or .docx, or a folder ending in / (visit-pack: folder)",
)
@click.option("--deal", default=None, help="visit-pack：附上这个交易的报价 / include this deal's quote")
@click.option("--from", "date_from", default=None, help="aftersales：开始日期 YYYY-MM-DD")
@click.option("--to", "date_to", default=None, help="aftersales：结束日期 YYYY-MM-DD")
@click.option(
    "--doc-lang",
    type=click.Choice(["zh", "en", "zh-en"]),
    default=None,
    help="quote、appendix、intro 的语言：zh、en、zh-en 中英对照（默认取交易/客户的语言）/ document language",
)
@policy_choice
@records_db_used
@common
def render(
    kind: str,
    target: str | None,
    output: str | None,
    deal: str | None,
    date_from: str | None,
    date_to: str | None,
    doc_lang: str | None,
    policy: str | None,
    fmt: str,
) -> int:
    """生成 PDF：intro、quote DEAL、appendix DEAL、visit-pack CLIENT、aftersales。

    Render one document: intro, quote DEAL, appendix DEAL, visit-pack CLIENT [--deal DEAL], aftersales [--from --to].
    """
    from salesdocs.render.documents import render_checked
    from salesdocs.workspace import check_workspace

    options: dict[str, object] = {"policy": policy}
    if kind == "visit-pack":
        options["deal"] = deal
    if kind == "aftersales":
        options.update(date_from=date_from, date_to=date_to)
    if doc_lang is not None:
        if kind not in ("quote", "appendix", "intro"):
            raise UsageError(
                f"--doc-lang 只用于 quote、appendix 和 intro（{kind} 按客户语言或中文生成）",
                f"--doc-lang applies to quote, appendix and intro only ({kind} follows the client's language or is Chinese)",
            )
        options["doc_lang"] = doc_lang
    checked = check_workspace(workspace_root())
    written, unused = render_checked(checked, kind, target, output, **options)
    _placeholder_warnings(checked, kind, target, options)
    if unused:  # other files are broken, but this document does not use them
        names = ", ".join(unused)
        click.echo(
            say(
                f"警告：这些文件有错误，本文档没有用到它们，已照常生成：{names}（salesdocs check 可查看详情）",
                f"warning: these files have errors; this document does not use them and was made as usual: {names} "
                "(salesdocs check shows the details)",
            ),
            err=True,
        )
    if fmt == "json":
        print_json({"written": [str(path) for path in written], "not_used_with_errors": unused})
    else:
        for path in written:
            click.echo(say(f"已生成 {path}", f"wrote {path}"))
    return 0


def _placeholder_warnings(checked: CheckResult, kind: str, target: str | None, options: dict[str, object]) -> None:
    """The example's placeholder text a client-facing document prints, as check reports it (to stderr)."""
    from salesdocs.render.documents import placeholders_shown

    shown = placeholders_shown(checked, kind, target, **options)
    for problem in shown:
        click.echo(format_problem(problem, lang()), err=True)
        click.echo(err=True)
    if shown:
        click.echo(
            say(
                f"警告：这份给客户的文档里还有 {len(shown)} 处示例的占位文字，发出前请换成真实内容",
                f"warning: this client-facing document still has {len(shown)} piece(s) of the example's placeholder text; "
                "replace them before sending it",
            ),
            err=True,
        )


@click.command()
@click.option(
    "-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help="输出目录（默认 out/）/ output folder"
)
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="并行进程数（默认 CPU 核数）/ worker processes")
@click.option("--force", is_flag=True, help="全部重新生成 / rebuild everything")
@click.option("--docx", is_flag=True, help="报价单与合同附件另存 Word 文件 / also write each quote and appendix as DOCX")
@click.option(
    "--queue",
    "queue_url",
    metavar="URL",
    default=None,
    help="交给任务队列上的 worker 渲染（redis://主机:端口/库）/ render on the workers of this Redis task queue",
)
@policy_choice
@records_db_used
@common
def build(out_dir: Path | None, jobs: int | None, force: bool, docx: bool, queue_url: str | None, policy: str | None, fmt: str) -> int:
    """生成工作区的全部文档（增量、并行）/ render every document, incrementally and in parallel."""
    from salesdocs.build import BuildReport, JobResult
    from salesdocs.build import build as local_build

    root = workspace_root()

    def run_build(root: Path, out_dir: Path | None, **options: Any) -> BuildReport:
        if queue_url is None:
            return local_build(root, out_dir, jobs=jobs, **options)
        from salesdocs.build_queue import build_on_queue

        if jobs is not None:
            raise UsageError("--jobs 与 --queue 不能同时使用", "--jobs cannot be used with --queue")
        return build_on_queue(root, queue_url, out_dir, notice=lambda zh, en: click.echo(say(zh, en), err=True), **options)

    report: BuildReport
    if fmt == "json" or not sys.stdout.isatty():

        def progress(result: JobResult, done: int, total: int) -> None:
            if fmt != "json":
                failed = f" — {say(result.zh, result.en)}" if result.status == "failed" else ""
                click.echo(f"[{done}/{total}] {_status(result.status)} {_shown(result.job.out_path)}{failed}")

        report = run_build(root, out_dir, force=force, progress=progress, policy=policy, docx=docx)
    else:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()) as bar:
            task = bar.add_task(say("生成文档", "rendering"), total=None)

            def progress_bar(result: JobResult, done: int, total: int) -> None:
                bar.update(task, total=total, completed=done, description=f"{_status(result.status)} {result.job.out_path.name}")

            report = run_build(root, out_dir, force=force, progress=progress_bar, policy=policy, docx=docx)
    written, skipped, failed = (report.by_status(s) for s in ("written", "skipped", "failed"))
    if fmt == "json":
        print_json(
            {
                "written": [str(r.job.out_path) for r in written],
                "skipped": [str(r.job.out_path) for r in skipped],
                "failed": [{"document": r.job.label, "path": str(r.job.out_path), "message": say(r.zh, r.en)} for r in failed],
                "seconds": round(report.seconds, 3),
            }
        )
    else:
        click.echo(
            say(
                f"完成：生成 {len(written)} 个，跳过 {len(skipped)} 个（未变化），失败 {len(failed)} 个，用时 {report.seconds:.1f} 秒",
                f"done: {len(written)} written, {len(skipped)} skipped (unchanged), {len(failed)} failed in {report.seconds:.1f} s",
            )
        )
        for r in failed:
            click.echo(say(f"  失败 {r.job.label}：{r.zh}", f"  failed {r.job.label}: {r.en}"), err=True)
    return 0 if report.ok else 1


def _shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _status(status: str) -> str:
    return {"written": say("生成", "wrote"), "skipped": say("跳过", "skip"), "failed": say("失败", "FAIL")}[status]


COMMANDS = (render, build)
