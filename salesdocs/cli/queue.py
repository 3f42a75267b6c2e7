"""``salesdocs worker``: render the documents of ``salesdocs build --queue`` on this machine."""

from __future__ import annotations

import os
import sys

import click

from salesdocs.cli.session import lang, lang_option, say


@click.command()
@click.option(
    "--queue", "queue_url", metavar="URL", required=True, help="任务队列 Redis 地址 / the task queue's Redis URL (redis://HOST:PORT/N)"
)
@click.option("--burst", is_flag=True, help="队列空了就退出 / stop once the queue is empty")
@click.option(
    "--max-jobs",
    type=click.IntRange(min=0),
    default=None,
    metavar="N",
    help="渲染 N 个文档后以新进程重启自己（限制内存；默认 100，0 不重启）/ "
    "restart as a fresh process after N documents (bounds memory; default 100, 0: never)",
)
@lang_option
def worker(queue_url: str, burst: bool, max_jobs: int | None) -> int:
    """从任务队列取文档渲染（build --queue）/ render documents queued by build --queue."""
    from salesdocs.build import RECYCLE_AFTER
    from salesdocs.build_queue import QUEUE_NAME, run_worker

    limit = RECYCLE_AFTER if max_jobs is None else max_jobs
    click.echo(
        say(f"worker 已连接，等待队列 {QUEUE_NAME} 上的文档（Ctrl-C 停止）", f"worker ready on queue {QUEUE_NAME} (Ctrl-C stops)"), err=True
    )
    if run_worker(queue_url, burst=burst, max_jobs=limit or None):
        # the local pool's recycling, here: the same process id, fresh memory, the same options
        argv = [sys.executable, "-m", "salesdocs", "worker", "--queue", queue_url, "--max-jobs", str(limit), "--lang", lang()]
        os.execv(sys.executable, [*argv, *(["--burst"] if burst else [])])
    return 0


COMMANDS = (worker,)
