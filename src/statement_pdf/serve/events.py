"""News for the open pages: server-sent events, published from the rebuilding thread.

Server-sent events rather than a websocket: the news only flows one way, and the browser's
EventSource reconnects by itself when the server restarts. An event says only *what* changed
(a document, a statement's problems) and its new version; the page then fetches that part again
as HTML the server rendered with its escaping templates, so no statement text is ever put
together into markup in the browser.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator
from typing import Any

HEARTBEAT_SECONDS = 15.0
"""A comment line this often lets a dead connection be noticed and closed."""


class Broadcaster:
    """Each open page subscribes a queue in the server's event loop; `publish` may be called from
    any thread."""

    def __init__(self) -> None:
        self._subscribers: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue]] = set()
        self._lock = threading.Lock()
        self.closed = False

    def publish(self, event: dict[str, Any]) -> None:
        self._put(event)

    def close(self) -> None:
        """End every stream: the server is stopping and must not wait for open pages."""
        self.closed = True
        self._put(None)

    def _put(self, item: dict[str, Any] | None) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for loop, queue in subscribers:
            if not loop.is_closed():
                loop.call_soon_threadsafe(queue.put_nowait, item)

    async def stream(self, hello: dict[str, Any]) -> AsyncIterator[str]:
        """The text/event-stream of one page: `hello` first (the page checks it is still talking
        to the server that made it), then each event as it is published."""
        queue: asyncio.Queue = asyncio.Queue()
        subscriber = (asyncio.get_running_loop(), queue)
        with self._lock:
            self._subscribers.add(subscriber)
        try:
            yield _message(hello)
            while not self.closed:
                try:
                    event = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
                except TimeoutError:
                    yield ": still here\n\n"
                    continue
                if event is None:
                    return
                yield _message(event)
        finally:
            with self._lock:
                self._subscribers.discard(subscriber)


def _message(event: dict[str, Any]) -> str:
    return f"data: {json.dumps(event)}\n\n"
