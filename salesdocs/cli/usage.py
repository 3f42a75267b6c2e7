"""click's own usage errors, said in the user's language.

click words them in English only; this maps each kind of usage error to the same
sentence in Chinese, keeping click's English for ``--lang en``.
"""

from __future__ import annotations

import re

import click

from salesdocs.cli.session import say


def _zh(exc: click.ClickException) -> str:
    message = exc.format_message()
    if isinstance(exc, click.NoSuchOption):
        close = f"（是不是 {', '.join(sorted(exc.possibilities))}？）" if exc.possibilities else ""
        return f"没有这个选项：{exc.option_name}{close}"
    if isinstance(exc, click.MissingParameter):
        is_argument = exc.param is not None and exc.param.param_type_name == "argument"
        name = exc.param.opts[0] if exc.param is not None and exc.param.opts else (exc.param_hint or "")
        if is_argument and exc.param is not None:
            name = exc.param.human_readable_name
        return f"缺少{'参数' if is_argument else '选项'} {name}"
    if isinstance(exc, click.BadParameter):
        hint = exc.param.get_error_hint(exc.ctx) if exc.param is not None and exc.ctx is not None else (exc.param_hint or "")
        choice = re.search(r"is not one of (.+)\.$", exc.message) or re.search(r"is not one of (.+)", exc.message)
        if choice:
            value = re.match(r"'?(.*?)'? is not", exc.message)
            return f"{hint} 的值 {value.group(1) if value else ''} 无效；可选：{choice.group(1)}"
        return f"{hint} 的值无效：{exc.message}"
    if isinstance(exc, click.BadOptionUsage):
        return f"选项 {exc.option_name} 用法不对：{exc.message}"
    if m := re.match(r"No such command '(.+?)'\.(?:\s*Did you mean '?(.+?)'?\?)?", message):
        close = f"（是不是 {m.group(2)}？）" if m.group(2) else ""
        return f"没有这个命令：{m.group(1)}{close}；salesdocs --help 列出所有命令"
    if m := re.match(r"Got unexpected extra arguments? \((.+)\)", message):
        return f"多余的参数：{m.group(1)}"
    if m := re.match(r"Option '(.+?)' requires an argument", message):
        return f"选项 {m.group(1)} 需要一个值"
    return message


def usage_message(exc: click.ClickException, language: str, *, usage_line: bool = True) -> str:
    """The whole usage error as the terminal shows it: usage line, then the message
    (only the message without ``usage_line``)."""
    lines: list[str] = []
    ctx = getattr(exc, "ctx", None)
    if ctx is not None and usage_line:
        lines.append(ctx.get_usage())
        lines.append(say(f"运行 '{ctx.command_path} --help' 查看帮助。", f"Try '{ctx.command_path} --help' for help.", language))
        lines.append("")
    zh = _zh(exc)
    en = exc.format_message()
    if not usage_line:
        return say(zh, en, language)
    prefix_zh, prefix_en = "错误", "Error"
    lines.append(say(f"{prefix_zh}：{zh}", f"{prefix_en}: {en}", language))
    return "\n".join(lines)
