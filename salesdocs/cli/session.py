"""One invocation's state and the options every command shares, declared once.

State lives in click's ``ctx.obj`` (a :class:`Session`), never in a module global, so
in-process calls (tests, scripts) cannot leak a language into each other.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from salesdocs.model import Workspace

LANGS = ("zh", "en", "both")
F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Session:
    """What one ``salesdocs …`` invocation was asked for."""

    lang: str = "zh"
    workspace: Path | None = None


def session() -> Session:
    """The current invocation's session (a default one outside a click context)."""
    ctx = click.get_current_context(silent=True)
    found = ctx.find_object(Session) if ctx is not None else None
    return found if found is not None else Session()


def lang() -> str:
    return session().lang


def say(zh: str, en: str, language: str | None = None) -> str:
    """The message in the session's language (``both``: Chinese, then English)."""
    chosen = language or lang()
    return en if chosen == "en" else (f"{zh}\n{en}" if chosen == "both" else zh)


def _set_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value:
        ctx.ensure_object(Session).lang = value


def _set_workspace(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.ensure_object(Session).workspace = value


lang_option = click.option(
    "--lang",
    type=click.Choice(LANGS),
    default=None,
    callback=_set_lang,
    expose_value=False,
    is_eager=True,
    help="消息语言：zh 中文（默认）、en 英文、both 中英 / message language: zh (default), en, both",
)
workspace_option = click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    callback=_set_workspace,
    expose_value=False,
    help="工作区目录（默认：当前目录或最近的含 rules/ 的上级目录）/ workspace folder",
)
format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="输出格式 / output format",
)

policy_choice = click.option(
    "--policy",
    "policy",
    default=None,
    metavar="VERSION|rules",
    help="使用的政策：已发布的版本号，或 rules（工作稿，每页标注“草稿”）；默认按交易 / "
    "policy to use: a released version, or rules (the working copy, every page marked 草稿); default: the deal's",
)


def common(func: F) -> F:
    """Options every workspace command takes: --workspace, --lang, --format."""
    return workspace_option(lang_option(format_option(func)))


def workspace_root() -> Path:
    """The workspace folder this invocation works in (``-w`` before or after the command)."""
    from salesdocs.workspace import find_root

    return find_root(session().workspace)


def load() -> Workspace:
    """The validated workspace of this invocation (a PolicyError lists every problem)."""
    from salesdocs.workspace import load_workspace

    return load_workspace(session().workspace)


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default))


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    raise TypeError(type(value).__name__)


# ------------------------------------------------------------------ the records database

RECORDS_DB_ENV = "SALESDOCS_RECORDS_DB"  # salesdocs.records.store.ENV_DB (not imported: records load lazily)
RECORDS_DB_HELP = (
    "售后记录数据库：文件路径（默认 records/salesdocs.sqlite）或 postgresql://用户@主机:端口/库名；"
    "也可用环境变量 SALESDOCS_RECORDS_DB / records database: a file, or a postgresql:// URL"
)


def _records_db(ctx: click.Context, param: click.Parameter, value: str | None) -> str | Path | None:
    """``--db`` for this invocation: a path is relative to the current folder (not to the workspace);
    a URL is kept as given.  It is also ``$SALESDOCS_RECORDS_DB`` while the command runs, so every
    records reader reached from the command (build workers, visit packs) uses the same database."""
    if value is None:
        return None
    chosen: str | Path = value if value.startswith(("postgresql://", "postgres://")) else Path(value).expanduser().absolute()
    import os

    before = os.environ.get(RECORDS_DB_ENV)
    os.environ[RECORDS_DB_ENV] = str(chosen)

    def restore() -> None:
        if before is None:
            os.environ.pop(RECORDS_DB_ENV, None)
        else:
            os.environ[RECORDS_DB_ENV] = before

    ctx.call_on_close(restore)
    return chosen


def records_db_option(func: F) -> F:
    """``--db PATH|URL`` on every command that reads or writes records (the value is passed as ``db``)."""
    return click.option("--db", default=None, metavar="PATH|URL", callback=_records_db, help=RECORDS_DB_HELP)(func)


def records_db_used(func: F) -> F:
    """``--db PATH|URL`` for a command that reaches the records indirectly (the value is not passed)."""
    return click.option("--db", default=None, metavar="PATH|URL", callback=_records_db, expose_value=False, help=RECORDS_DB_HELP)(func)
