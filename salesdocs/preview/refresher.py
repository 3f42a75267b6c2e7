"""The server's loop around the :class:`Workbench`: when to re-check, what to render next, who to tell.

A save from the page or a change seen by the watcher (watchfiles, only ``rules/``, ``clients/``,
``deals/`` and ``templates/``) marks the workspace dirty.  One task then re-checks it in a worker
thread and publishes the new revision (problems show at once), then renders the documents the page
asked for whose inputs changed, the one shown first, stopping early when the workspace is dirty
again.  Each subscriber of ``/api/events`` gets one server-sent event per new revision.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path

from salesdocs.preview.workbench import Workbench
from salesdocs.render.session import many_documents

LOG = logging.getLogger("salesdocs.preview")
WATCHED = ("rules", "clients", "deals", "templates")
KEEPALIVE_SECONDS = 15.0
PAGE_WAIT_SECONDS = 30.0  # a page still being rasterised is waited for, this long at most
PAGE_POLL_SECONDS = 0.005


class Refresher:
    def __init__(self, root: Path, *, watch: bool = True) -> None:
        self.root = root.resolve()
        self.watch = watch
        self.bench = Workbench(self.root, on_revision=self._from_thread)
        self._dirty = asyncio.Event()
        self._subscribers: set[asyncio.Queue[int | None]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ours: dict[str, bytes] = {}  # files we wrote, with what we wrote

    # ---------------------------------------------------------------- lifetime

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        self._loop = asyncio.get_running_loop()
        self._dirty.set()  # the first check
        tasks = [asyncio.create_task(self._refresh_loop())]
        if self.watch:
            tasks.append(asyncio.create_task(self._watch_loop()))
        try:
            with many_documents(freeze=False):  # fewer garbage collections while rendering (issue 17)
                yield
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            self.bench.close()

    def changed(self, written: Path | None = None, data: bytes | None = None) -> None:
        """Something in the workspace changed: re-check soon.  ``written`` with ``data``: we wrote it
        ourselves, so the watcher's report of that very write is no news (and does not delay the render)."""
        if written is not None and data is not None:
            self._ours[str(written)] = data
        self._dirty.set()

    def ask(self, doc_id: str) -> bool:
        """The page shows ``doc_id``: render it first (False when there is no such document)."""
        if not self.bench.want(doc_id):
            return False
        self._dirty.set()
        return True

    async def page(self, doc_id: str, n: int) -> bytes | None:
        """Page ``n`` of the document's last good rendering, once it is rasterised (pages other than
        the first follow the published revision); None when there is no such page."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + PAGE_WAIT_SECONDS
        while (data := self.bench.page(doc_id, n)) is None and self.bench.pending(doc_id, n) and loop.time() < deadline:
            await asyncio.sleep(PAGE_POLL_SECONDS)
        return data

    async def _refresh_loop(self) -> None:
        while True:
            await self._dirty.wait()
            self._dirty.clear()
            try:
                await asyncio.to_thread(self.bench.refresh)
                while not self._dirty.is_set() and (doc_id := self.bench.next_to_render()) is not None:
                    await asyncio.to_thread(self.bench.render, doc_id)
            except OSError:  # a file vanished or changed while being read: look again
                LOG.info("workspace changed while being read; checking again", exc_info=True)
                await asyncio.sleep(0.1)
                self._dirty.set()
            except Exception:  # a bug: keep serving the last good state, say so in the server's log
                LOG.exception("salesdocs preview: refreshing failed")

    async def _watch_loop(self) -> None:
        from watchfiles import awatch

        folders = [str(self.root / name) for name in WATCHED if (self.root / name).is_dir()]
        async for changes in awatch(*folders, debounce=30, step=10, watch_filter=_not_temporary):
            if any(not self._our_own(path) for _, path in changes):
                self._dirty.set()

    def _our_own(self, path: str) -> bool:
        written = self._ours.pop(path, None)
        try:
            return written is not None and Path(path).read_bytes() == written
        except OSError:
            return False

    # ----------------------------------------------------------------- events

    def _from_thread(self, revision: int) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._publish, revision)

    def _publish(self, revision: int | None) -> None:
        for queue in self._subscribers:
            queue.put_nowait(revision)

    def close_streams(self) -> None:
        """End every event stream (the server is stopping; callable from any thread)."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._publish, None)

    async def stream(self) -> AsyncIterator[str]:
        """Server-sent events: the current revision, then one event per new revision."""
        queue: asyncio.Queue[int | None] = asyncio.Queue()
        self._subscribers.add(queue)
        try:
            yield _event(self.bench.revision)
            while True:
                try:
                    revision = await asyncio.wait_for(queue.get(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    yield ": keep-alive\n\n"
                    continue
                if revision is None:
                    return
                yield _event(revision)
        finally:
            self._subscribers.discard(queue)


def _event(revision: int) -> str:
    return f"id: {revision}\nevent: revision\ndata: {json.dumps({'revision': revision})}\n\n"


def _not_temporary(change: object, path: str) -> bool:
    """Our own atomic writes' temporary files (``.name.xxxx.tmp``) and editors' backups are no change."""
    name = Path(path).name
    return not (name.startswith(".") or name.endswith(("~", ".tmp", ".swp")))
