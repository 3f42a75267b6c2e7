"""``salesdocs check`` and ``salesdocs init``."""

from __future__ import annotations

from pathlib import Path

import click

from salesdocs.cli.problems import format_problem, summary
from salesdocs.cli.session import common, format_option, lang, lang_option, print_json, say, workspace_root
from salesdocs.engine.money import format_yuan
from salesdocs.model import Workspace


@click.command()
@common
@click.option("--strict", is_flag=True, help="警告也算错误 / treat warnings as errors")
def check(fmt: str, strict: bool) -> int:
    """检查工作区的所有文件 / check every file of the workspace."""
    from salesdocs.workspace import check_workspace

    result = check_workspace(workspace_root())
    problems = [p.as_error() for p in result.problems] if strict else result.problems
    if fmt == "json":
        print_json([p.to_json(lang()) for p in problems])
    else:
        for p in problems:
            click.echo(format_problem(p, lang()))
            click.echo()
        click.echo(summary(problems, result.files, lang()))
        if result.workspace is not None and not problems:
            click.echo(contents(result.workspace))
    return 1 if any(p.severity == "error" for p in problems) else 0


def contents(ws: Workspace) -> str:
    """What a clean workspace holds, one line per tier and deal."""
    policy = ws.policy
    tiers = sum(len(s.tiers) for s in policy.services)
    lines = [
        say(
            f"工作区 {ws.root}：{policy.company.name}，政策版本 {policy.version}（生效 {policy.effective.isoformat()}）",
            f"workspace {ws.root}: {policy.company.name}, policy version {policy.version} (effective {policy.effective.isoformat()})",
        ),
        say(
            f"  {len(policy.services)} 项服务 / {tiers} 个档位，{len(policy.ladders)} 个退款阶梯，"
            f"{len(policy.aftersales.categories)} 个售后问题类别",
            f"  {len(policy.services)} services / {tiers} tiers, {len(policy.ladders)} refund ladders, "
            f"{len(policy.aftersales.categories)} problem categories",
        ),
        say(f"  {len(ws.clients)} 个客户，{len(ws.deals)} 个交易", f"  {len(ws.clients)} clients, {len(ws.deals)} deals"),
    ]
    for service in policy.services:
        for tier in service.tiers:
            lines.append(
                say(
                    f"    {service.id}/{tier.id}：{service.name}·{tier.name} {format_yuan(tier.price)}/{tier.unit}，"
                    f"{tier.delivery_min}~{tier.delivery_max} 个工作日，修改 {tier.revisions.included} 次，退款阶梯 {tier.ladder.id}",
                    f"    {service.id}/{tier.id}: {format_yuan(tier.price)} per {tier.unit}, "
                    f"{tier.delivery_min}-{tier.delivery_max} working days, {tier.revisions.included} revisions, "
                    f"refund ladder {tier.ladder.id}",
                )
            )
    for deal in ws.deals.values():
        lines.append(
            say(
                f"    交易 {deal.id}：客户 {deal.client}，{deal.date.isoformat()}，{len(deal.lines)} 行",
                f"    deal {deal.id}: client {deal.client}, {deal.date.isoformat()}, {len(deal.lines)} line(s)",
            )
        )
    return "\n".join(lines)


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@lang_option
@format_option
def init(directory: Path, fmt: str) -> int:
    """新建工作区 / create a new workspace from the packaged defaults."""
    from salesdocs.init import init_workspace

    written = init_workspace(directory)
    if fmt == "json":
        print_json({"created": str(directory), "files": [str(path) for path in written], "next": f"cd {directory} && salesdocs check"})
        return 0
    click.echo(say(f"已新建工作区 {directory}（{len(written)} 个文件）", f"created workspace {directory} ({len(written)} files)"))
    for path in written:
        click.echo(f"  {path}")
    click.echo(say(f"下一步：cd {directory} && salesdocs check", f"next: cd {directory} && salesdocs check"))
    return 0


@click.command()
@common
def schemas(fmt: str) -> int:
    """更新编辑器用的 schemas/（含本工作区的编号） / refresh schemas/ for the editor, with this workspace's ids."""
    from salesdocs.policy.editor import read_ids, write_schemas

    root = workspace_root()
    found = read_ids(root)
    written = write_schemas(root, found.ids)
    rel = [p.relative_to(root).as_posix() for p in written]
    if fmt == "json":
        print_json({"written": rel, "left_out": list(found.left_out)})
    else:
        if rel:
            click.echo(say(f"已更新 {len(rel)} 个文件：", f"updated {len(rel)} file(s):"))
            for name in rel:
                click.echo(f"  {name}")
        else:
            click.echo(say("schemas/ 已是最新", "schemas/ is up to date"))
        if found.left_out:
            click.echo(
                say(
                    f"注意：{'、'.join(found.left_out)} 有错误，其中的编号未列入；修正后（salesdocs check）请再运行一次",
                    f"note: {', '.join(found.left_out)} have errors, so their ids are not listed; "
                    "run this again once salesdocs check is clean",
                )
            )
    return 0


COMMANDS = (check, init, schemas)
