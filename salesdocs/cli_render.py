"""`salesdocs render` and `salesdocs build`: the rendering commands."""

from __future__ import annotations

from pathlib import Path

import click

from salesdocs.cli import _say, _workspace, common


def register(cli: click.Group) -> None:
    cli.add_command(render)


@click.command()
@click.argument("kind", type=click.Choice(["intro", "quote", "appendix"]))
@click.argument("target", required=False)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="输出文件 / output PDF")
@common
def render(kind: str, target: str | None, output: Path | None, workspace: Path | None, fmt: str) -> int:
    """生成一份 PDF / render one document: intro, quote DEAL, appendix DEAL."""
    from salesdocs.render.documents import default_out_path, render_document

    ws = _workspace(workspace)
    if kind != "intro" and not target:
        from salesdocs.errors import UsageError

        raise UsageError(
            f"{kind} 需要指定交易：salesdocs render {kind} DEAL；可选：{', '.join(sorted(ws.deals))}",
            f"{kind} needs a deal: salesdocs render {kind} DEAL; choose one of: {', '.join(sorted(ws.deals))}",
        )
    if kind != "intro":
        from salesdocs.api import find_deal

        target = find_deal(ws, target or "").id
    out = output or default_out_path(ws, kind, target)
    path = render_document(ws, kind, target, out)
    click.echo(_say(f"已生成 {path}", f"wrote {path}"))
    return 0
