"""``salesdocs redline``: read legal's redlines of an appendix DOCX, and apply the agreed wording."""

from __future__ import annotations

from pathlib import Path

import click

from salesdocs.cli.problems import format_problem
from salesdocs.cli.session import common, lang, load, print_json, say


@click.command()
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--author", default=None, help="只采纳此人的修订 / accept only this author's tracked changes")
@click.option(
    "--apply", "mode", type=click.Choice(["policy", "deal"]), default=None, help="写入 rules/contract.yaml（policy）或交易文件（deal）"
)
@click.option("--approver", default=None, help="--apply deal：批准偏离标准文字的人 / who approved the deviation")
@common
def redline(file: Path, author: str | None, mode: str | None, approver: str | None, fmt: str) -> int:
    """读取合同附件 DOCX 中的修订，并可写回政策或交易。

    Read the tracked changes and edits of an appendix DOCX per clause; --apply policy writes the
    wording into rules/contract.yaml, --apply deal into the deal's clauses: (needs --approver).
    """
    from salesdocs.render.docx.apply import apply_redline, review

    ws = load()
    found = review(ws, file, author)
    applied = apply_redline(ws, found, mode, approver) if mode else None
    if fmt == "json":
        data = found.to_json(ws)
        if applied is not None:
            check = applied.check
            data["applied"] = {
                "file": applied.target,
                "written": applied.written,
                "clauses": applied.clauses,
                "skipped": [{"id": i, "message_zh": zh, "message_en": en} for i, zh, en in applied.skipped],
                "problems": [p.to_json(lang()) for p in check.problems] if check else [],
            }
        print_json(data)
    else:
        _print(ws, found)
        if applied is not None:
            _print_applied(applied)
    if applied is not None:
        return 0 if (applied.written or not applied.clauses) and not applied.skipped else 1
    return 0


def _print(ws: object, found: object) -> None:
    from salesdocs.render.docx.apply import Review

    assert isinstance(found, Review)
    r = found.redline
    click.echo(say(f"{r.path}：交易 {r.deal}，政策版本 {r.policy_version}", f"{r.path}: deal {r.deal}, policy version {r.policy_version}"))
    if not found.matches:
        zh, en = found.mismatch(ws)  # type: ignore[arg-type]
        click.echo(say(f"注意：{zh}", f"note: {en}"))
    if not found.clauses:
        click.echo(say("没有修改", "no changes"))
    for c in found.clauses:
        click.echo(f"\n{c.label}（{c.id}）" if lang() != "en" else f"\n{c.label} ({c.id})")
        for ch in c.changes:
            sign = "+" if ch.kind == "insert" else "-"
            who = f"{ch.author} {ch.date}".strip() if ch.tracked else say("未标记修订", "untracked")
            click.echo(f"  {sign} “{ch.text}”  [{who}]")
        click.echo(say(f"  原文：{c.before}", f"  before: {c.before}"))
        click.echo(say(f"  修改后：{c.after}", f"  after:  {c.after}"))
        for f in c.figures:
            click.echo(say(f"  不能在合同中修改：{f.zh}", f"  refused: {f.en}"))


def _print_applied(applied: object) -> None:
    from salesdocs.render.docx.apply import Applied

    assert isinstance(applied, Applied)
    for clause_id, zh, en in applied.skipped:
        click.echo(say(f"未采纳 {clause_id}：{zh}", f"not applied {clause_id}: {en}"), err=True)
    check = applied.check
    if check is not None:
        for p in check.problems:
            click.echo(format_problem(p, lang()), err=not applied.written)
    if applied.written:
        click.echo(
            say(
                f"已写入 {applied.target}：{'、'.join(applied.clauses)}；check 通过",
                f"wrote {applied.target}: {', '.join(applied.clauses)}; check passes",
            )
        )
    elif applied.clauses:
        click.echo(say(f"check 未通过，未写入 {applied.target}", f"check does not pass; {applied.target} was not written"), err=True)
    else:
        click.echo(say("没有可写入的修改", "nothing to apply"))


COMMANDS = (redline,)
