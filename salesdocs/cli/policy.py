"""``salesdocs policy release | list | diff``: policy versions on the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from salesdocs.cli.problems import format_problem
from salesdocs.cli.session import common, lang, print_json, say, workspace_root


@click.group()
def policy() -> None:
    """政策版本：发布、列出、对照 / policy versions: release, list, compare."""


@policy.command()
@common
def release(fmt: str) -> int:
    """把 rules/ 发布为 policies/<版本>/（版本与生效日期取自文件）/ release rules/ as policies/<version>/."""
    from salesdocs.policies import release as make_release
    from salesdocs.policies import users
    from salesdocs.workspace import check_workspace

    root = workspace_root()
    made = make_release(root)
    checked = check_workspace(root).partial
    moved = sorted(d for d, v in users(checked.deals, checked.releases).items() if v == made.version) if checked else []
    if fmt == "json":
        print_json(
            {"version": made.version, "effective": made.effective, "folder": made.folder, "sha256": made.manifest_sha, "deals": moved}
        )
        return 0
    click.echo(
        say(
            f"已发布政策 {made.version}（{made.folder}，生效日期 {made.effective.isoformat()}，校验码 {made.manifest_sha[:12]}）",
            f"released policy {made.version} ({made.folder}, effective {made.effective.isoformat()}, hash {made.manifest_sha[:12]})",
        )
    )
    if moved:
        click.echo(say(f"  按日期适用本版本的交易：{'、'.join(moved)}", f"  deals that use it by their date: {', '.join(moved)}"))
    return 0


@policy.command(name="list")
@common
def list_releases(fmt: str) -> int:
    """列出已发布的政策版本 / list the released policies."""
    from salesdocs.policies import listing

    found, problems = listing(workspace_root())
    if fmt == "json":
        print_json(
            {
                "releases": [
                    {"version": r.version, "effective": r.effective, "folder": r.folder, "sha256": r.manifest_sha, "files": dict(r.files)}
                    for r in found
                ],
                "problems": [p.to_json(lang()) for p in problems],
            }
        )
    else:
        if not found:
            click.echo(
                say("还没有发布任何政策版本（salesdocs policy release）", "no policy has been released yet (salesdocs policy release)")
            )
        for r in found:
            click.echo(
                say(
                    f"{r.version}  生效 {r.effective.isoformat()}  {r.folder}  校验码 {r.manifest_sha[:12]}",
                    f"{r.version}  effective {r.effective.isoformat()}  {r.folder}  hash {r.manifest_sha[:12]}",
                )
            )
        for p in problems:
            click.echo(format_problem(p, lang()), err=True)
    return 1 if problems else 0


@policy.command()
@click.argument("old")
@click.argument("new")
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="修订对照表 PDF / the amendment table as PDF"
)
@common
def diff(old: str, new: str, output: Path | None, fmt: str) -> int:
    """逐条对照两个政策版本（版本号或 rules）/ compare two policy versions rule by rule (versions or rules)."""
    from salesdocs.policies import diff as compare

    root = workspace_root()
    result = compare(root, old, new)
    if output is not None:
        from salesdocs.render.revisions import write_revision_table

        write_revision_table(result, output, root)
    if fmt == "json":
        print_json(diff_json(result))
        return 0
    from salesdocs.policy.diff import iter_lines

    old_side, new_side = result.old, result.new
    head = say(
        f"政策 {old_side.name}（{old_side.effective.isoformat()}） → {new_side.name}（{new_side.effective.isoformat()}）："
        f"{len(result.changes)} 处修订",
        f"policy {old_side.name} ({old_side.effective.isoformat()}) → {new_side.name} ({new_side.effective.isoformat()}): "
        f"{len(result.changes)} change(s)",
    )
    click.echo(head)
    for line in iter_lines(result.changes):
        click.echo(line)
    for deal_id, numbers in result.affected.items():
        uses = result.uses.get(deal_id, "—")
        click.echo(
            say(
                f"受影响的交易 {deal_id}（现用 {uses}）：第 {'、'.join(map(str, numbers))} 项",
                f"affected deal {deal_id} (uses {uses}): change(s) {', '.join(map(str, numbers))}",
            )
        )
    if output is not None:
        click.echo(say(f"已生成 {output}", f"wrote {output}"))
    return 0


def diff_json(result: Any) -> dict[str, Any]:
    return {
        "old": {"version": result.old.name, "effective": result.old.effective},
        "new": {"version": result.new.name, "effective": result.new.effective},
        "changes": [
            {
                "status": c.status,
                "path": c.path,
                "article": c.article or None,
                "rule": c.label,
                "before": c.before,
                "after": c.after,
                "summary": c.summary,
                "words": [{"op": s.op, "text": s.text} for s in c.segments],
            }
            | ({"source_before": c.source_before, "source_after": c.source_after} if c.source_before or c.source_after else {})
            for c in result.changes
        ],
        "affected": [{"deal": d, "uses": result.uses.get(d), "changes": n} for d, n in result.affected.items()],
    }


COMMANDS = (policy,)
