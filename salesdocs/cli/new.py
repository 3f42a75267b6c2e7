"""``salesdocs new client ID`` and ``salesdocs new deal ID --client C``: a file to fill in, never over an existing one."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from salesdocs.cli.session import format_option, lang_option, print_json, say, workspace_option, workspace_root
from salesdocs.errors import UsageError

if TYPE_CHECKING:
    from salesdocs.model import Policy


@click.group()
def new() -> None:
    """新建客户或交易文件（按 schema 列出每个字段）/ draft a new client or deal file."""


@new.command("client")
@click.argument("client_id", metavar="ID")
@workspace_option
@lang_option
@format_option
def new_client(client_id: str, fmt: str) -> int:
    """新建 clients/ID.yaml / draft clients/ID.yaml."""
    from salesdocs.policy.scaffold import client_yaml

    root = workspace_root()
    _check_id(client_id, "客户编号", "client id", "yunfan-tech")
    return _write(root / "clients" / f"{client_id}.yaml", client_yaml(client_id, _policy(root)), root, fmt)


@new.command("deal")
@click.argument("deal_id", metavar="ID")
@click.option("--client", "client_id", required=True, help="客户编号（clients/ 下的文件）/ client id")
@workspace_option
@lang_option
@format_option
def new_deal(deal_id: str, client_id: str, fmt: str) -> int:
    """新建 deals/ID.yaml / draft deals/ID.yaml."""
    from salesdocs.policy.scaffold import deal_yaml

    root = workspace_root()
    _check_id(deal_id, "交易编号", "deal id", "2026-004-yunfan-catalogue")
    known = sorted(p.stem for p in (root / "clients").glob("*.yaml"))
    if client_id not in known:
        choices = ", ".join(known) or "—"
        raise UsageError(
            f"找不到客户 {client_id}（clients/{client_id}.yaml）；可选：{choices}。新客户先用 salesdocs new client {client_id}",
            f"unknown client {client_id} (clients/{client_id}.yaml); known: {choices}. "
            f"For a new client, run salesdocs new client {client_id} first",
        )
    return _write(root / "deals" / f"{deal_id}.yaml", deal_yaml(deal_id, client_id, date.today(), _policy(root)), root, fmt)


def _check_id(value: str, zh: str, en: str, example: str) -> None:
    from salesdocs.policy.scaffold import id_refusal

    refused = id_refusal(value, zh, en, example)
    if refused is not None:
        raise UsageError(*refused)


def _policy(root: Path) -> Policy | None:
    """The workspace's policy when its rules are valid, even if a client or deal is not (the
    scaffold then lists the choices)."""
    from salesdocs.workspace import check_workspace

    result = check_workspace(root)
    found = result.workspace or result.partial
    return found.policy if found is not None else None


def _write(path: Path, text: str, root: Path, fmt: str) -> int:
    rel = path.relative_to(root).as_posix()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as out:
            out.write(text)
    except FileExistsError:
        raise UsageError(
            f"{rel} 已经存在，不会覆盖；换一个编号，或直接编辑这个文件",
            f"{rel} already exists and is not overwritten; pick another id or edit it",
        ) from None
    from salesdocs.policy.scaffold import MARK

    to_fill = text.count(MARK)
    schemas = _refresh_schemas(root)
    if fmt == "json":
        print_json({"written": rel, "to_fill": to_fill, "schemas": schemas, "next": "salesdocs check"})
    else:
        click.echo(
            say(
                f"已新建 {rel}：填好标 ★ 的 {to_fill} 项后运行 salesdocs check",
                f"wrote {rel}: fill in the {to_fill} fields marked ★, then run salesdocs check",
            )
        )
        if schemas:
            click.echo(
                say(
                    f"已更新编辑器用的 {'、'.join(schemas)}（编辑器的编号列表）",
                    f"updated {', '.join(schemas)} for the editor (its list of ids)",
                )
            )
    return 0


def _refresh_schemas(root: Path) -> list[str]:
    """When the workspace has a schemas/ folder: rewrite what differs in it (as ``salesdocs schemas`` does),
    a new client's id listed even before its file passes check.  Returns the files written."""
    from dataclasses import replace

    from salesdocs.policy.editor import SCHEMAS, read_ids, write_schemas
    from salesdocs.policy.ids import Named

    if not (root / SCHEMAS).is_dir():
        return []
    ids = read_ids(root).ids
    listed = {c.id for c in ids.clients}
    unfinished = sorted({p.stem for p in (root / "clients").glob("*.yaml")} - listed)  # new clients still to fill in
    if unfinished:
        ids = replace(ids, clients=(*ids.clients, *(Named(stem, "") for stem in unfinished)))
    return [p.relative_to(root).as_posix() for p in write_schemas(root, ids)]


COMMANDS = (new,)
