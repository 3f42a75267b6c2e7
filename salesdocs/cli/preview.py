"""``salesdocs preview``: the live browser workbench (salesdocs.preview)."""

from __future__ import annotations

import contextlib

import click

from salesdocs.cli.session import lang, lang_option, say, workspace_option, workspace_root


@click.command()
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="端口（0：任意空闲端口）/ port (0: any free one)"
)
@click.option("--no-browser", is_flag=True, help="不自动打开浏览器 / do not open the browser")
@workspace_option
@lang_option
def preview(port: int, no_browser: bool) -> int:
    """在浏览器中边改边看：文件、问题和全部文档 / edit the policy in the browser and see every document update."""
    from salesdocs.preview.server import Listening, serve

    root = workspace_root()
    language = "en" if lang() == "en" else "zh"

    def ready(listening: Listening) -> None:
        click.echo(say(f"预览已启动（仅本机可访问）：{listening.url}", f"preview running (this computer only): {listening.url}"))
        click.echo(say("按 Ctrl+C 停止", "press Ctrl+C to stop"))
        if not no_browser:
            import webbrowser

            webbrowser.open(listening.url)

    with contextlib.suppress(KeyboardInterrupt):  # uvicorn stops gracefully on Ctrl+C, then passes the signal on
        serve(root, port=port, lang=language, ready=ready)
    click.echo(say("预览已停止", "preview stopped"))
    return 0


COMMANDS = (preview,)
