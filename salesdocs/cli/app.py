"""The ``salesdocs`` command: the click group, command registration and :func:`main`.

Exit codes: 0 ok · 1 problems in the user's files · 2 bad command line ·
3 internal bug (the traceback goes to a log file, never to the screen).
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from datetime import datetime
from pathlib import Path

import click

from salesdocs.cli import check, engine, new, preview, queue, records, redline, render
from salesdocs.cli import policy as policy_commands
from salesdocs.cli.problems import format_problem, summary
from salesdocs.cli.session import LANGS, Session, lang_option, print_json, say, workspace_option
from salesdocs.cli.usage import usage_message
from salesdocs.errors import PolicyError, SalesdocsError
from salesdocs.version import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="salesdocs")
@lang_option
@workspace_option
def cli() -> None:
    """salesdocs：由服务政策生成销售文档 / policy-driven sales documents."""


for _group in (check, engine, render, records, policy_commands, new, redline, preview, queue):
    for _command in _group.COMMANDS:
        cli.add_command(_command)


def main(argv: list[str] | None = None) -> None:
    """Entry point: never shows a traceback to the user."""
    args = sys.argv[1:] if argv is None else argv
    state = Session(lang=_value_in(args, "--lang", LANGS) or "zh")
    as_json = _value_in(args, "--format", ("text", "json")) == "json"
    try:
        rv = cli.main(args=command_options_after_command(args), prog_name="salesdocs", standalone_mode=False, obj=state)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo(say("已中断", "aborted", state.lang), err=True)
        sys.exit(130)
    except click.ClickException as exc:
        if as_json:
            _json_error("usage", 2, usage_message(exc, state.lang, usage_line=False))
        click.echo(usage_message(exc, state.lang), err=True)
        sys.exit(2)
    except PolicyError as exc:
        if as_json:
            _json_error("policy", 1, exc.message(state.lang), [p.to_json(state.lang) for p in exc.problems])
        for p in exc.problems:
            click.echo(format_problem(p, state.lang), err=True)
            click.echo(err=True)
        if exc.problems:
            click.echo(summary(exc.problems, len({p.file for p in exc.problems}), state.lang), err=True)
        else:  # never "0 files: 0 errors" for a command that failed
            click.echo(
                say("无法载入工作区，但没有具体的问题可列出", "the workspace could not be loaded, with no problem to list", state.lang),
                err=True,
            )
        click.echo(
            say(
                "请先修正以上问题（salesdocs check 可查看全部）",
                "fix the problems above first (salesdocs check lists them all)",
                state.lang,
            ),
            err=True,
        )
        sys.exit(1)
    except SalesdocsError as exc:
        if as_json:
            _json_error("usage" if exc.exit_code == 2 else "error", exc.exit_code, exc.message(state.lang))
        click.echo(exc.message(state.lang), err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo(say("已中断", "interrupted", state.lang), err=True)
        sys.exit(130)
    except Exception:
        log = _write_crash_log()
        message = say(
            f"salesdocs 内部错误（这是程序的问题，不是你的文件的问题）。详情已写入 {log}，请把这个文件发给开发人员。",
            f"salesdocs internal error (a bug in the program, not in your files). Details were written to {log}; "
            "please send it to the developers.",
            state.lang,
        )
        if as_json:
            _json_error("internal", 3, message)
        click.echo(message, err=True)
        sys.exit(3)
    sys.exit(rv if isinstance(rv, int) else 0)


def command_options_after_command(args: list[str]) -> list[str]:
    """``salesdocs --format json check`` as ``salesdocs check --format json``: a command's own options
    typed before its name are moved after it (the group's options, ``--lang`` and ``-w``, stay).

    The command is the first word that names one and is not the value of a group option; what lies
    between the group's options and the command moves, in order, to right after the command's name.
    Click then parses it as usual, so an option the command does not have is still refused.
    """
    takes_value = {o for p in cli.params if isinstance(p, click.Option) and not p.is_flag for o in p.opts}
    group_words = {o for p in cli.params for o in (*p.opts, *p.secondary_opts)} | {"-h", "--help"}
    kept: list[str] = []
    moved: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return args
        if arg in cli.commands:
            return [*kept, arg, *moved, *args[i + 1 :]] if moved else args
        if arg.split("=", 1)[0] in group_words:
            kept.append(arg)
            if arg in takes_value and i + 1 < len(args):
                kept.append(args[i + 1])
                i += 1
        else:
            moved.append(arg)
        i += 1
    return args


def _value_in(args: list[str], option: str, choices: tuple[str, ...]) -> str | None:
    """An option's value as typed (``--lang en``, ``--format=json``), found before click parses
    anything, so that a mistake earlier on the line (``salesdocs chek --lang en``) is already
    explained in that language, and as JSON when JSON was asked for."""
    for i, arg in enumerate(args):
        if arg.startswith(option + "="):
            value: str | None = arg.split("=", 1)[1]
        else:
            value = args[i + 1] if arg == option and i + 1 < len(args) else None
        if value in choices:
            return value
    return None


def _json_error(kind: str, exit_code: int, message: str, problems: list[dict[str, object]] | None = None) -> None:
    """With ``--format json`` every failure is also JSON on stdout, ``{"error": {...}}`` (the
    message for people still goes to stderr, and the exit code is the same)."""
    error: dict[str, object] = {"kind": kind, "exit_code": exit_code, "message": message}
    if problems is not None:
        error["problems"] = problems
    print_json({"error": error})


def _write_crash_log() -> str:
    """Write the traceback to a log file; returns its path (or says why it could not be written)."""
    # not /tmp/salesdocs: a folder named like the package would shadow it for `python -m` run from /tmp
    folder = Path(tempfile.gettempdir()) / "salesdocs-crash-logs"
    path = folder / f"crash-{datetime.now().strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(f"salesdocs {__version__}\nargv: {sys.argv}\n\n{traceback.format_exc()}", encoding="utf-8")
    except OSError as exc:
        return f"（无法写入日志 / log not written: {exc}）"
    return str(path)
