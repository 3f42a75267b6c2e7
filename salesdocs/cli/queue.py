"""``salesdocs worker``: render the documents of ``salesdocs build --queue`` on this machine."""

from __future__ import annotations

import click

from salesdocs.cli.session import lang_option, say


@click.command()
@click.option(
    "--queue", "queue_url", metavar="URL", required=True, help="任务队列 Redis 地址 / the task queue's Redis URL (redis://HOST:PORT/N)"
)
@click.option("--burst", is_flag=True, help="队列空了就退出 / stop once the queue is empty")
@lang_option
def worker(queue_url: str, burst: bool) -> int:
    """从任务队列取文档渲染（build --queue）/ render documents queued by build --queue."""
    from salesdocs.build_queue import QUEUE_NAME, run_worker

    click.echo(
        say(f"worker 已连接，等待队列 {QUEUE_NAME} 上的文档（Ctrl-C 停止）", f"worker ready on queue {QUEUE_NAME} (Ctrl-C stops)"), err=True
    )
    run_worker(queue_url, burst=burst)
    return 0


COMMANDS = (worker,)
