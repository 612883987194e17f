"""Work on every core in forked worker processes, and no hang when a worker dies.

multiprocessing.Pool loses the task of a worker that is killed (the kernel's OOM
killer, a ``kill -9``) and then waits for its result forever. Here the parent hands out
chunks of indices over one pipe per worker and waits on the pipes; a pipe that ends
before its worker said it was done is a ``WorkerDied`` naming the exit code. A worker
is forked, so it has the parent's data without pickling, and is replaced by a fresh
fork after ``life`` indices: reading the parent's objects changes their reference
counts, so a long-lived worker slowly copies every memory page it visits.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from typing import Any

from wijkmonitor.worker_signals import leave_signals_to_parent


class WorkerDied(Exception):
    """A worker process ended without finishing its work."""

    def __init__(self, exitcode: int | None):
        killed = "; killed: out of memory?" if exitcode == -9 else ""
        super().__init__(f"a worker process ended without finishing (exit code {exitcode}{killed})")
        self.exitcode = exitcode

    def __reduce__(self) -> tuple:
        return (WorkerDied, (self.exitcode,))


# Indices a worker does before a fresh fork takes over (the ``life`` of ForkedWorkers).
# Measured on a national build (16,676 pages, all processes together): page writers kept
# for the whole build had copied 175 MB of the shared results each (1,721 MB in all;
# 1,289-1,314 MB with fresh forks); page workers that also generate the pages, 1,735 MB
# against 1,426 MB.
LIFE = 2000


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def worker_count() -> int:
    """How many worker processes a build starts: one per core, at most four."""
    return min(os.cpu_count() or 1, 4)


class ForkedWorkers:
    """``work(i)`` for every index of ``todo`` in up to ``workers`` forked processes;
    ``poll`` hands each finished result to ``receive`` in the parent (in the order they
    finish). An exception in ``work`` is raised in the parent by ``poll``; ``stop`` ends
    every worker (use ``running()``, which stops them however the block ends).

    From ``start`` to ``stop`` the parent's objects are frozen for the garbage collector
    (``gc.freeze``): a collection in a worker writes to every object it visits, which
    would copy the shared memory pages into each worker; frozen ones it leaves alone
    (``freeze=False``: not, for a worker that touches few of the parent's objects)."""

    def __init__(
        self,
        todo: list[int],
        work: Callable[[int], Any],
        receive: Callable[[Any], None],
        workers: int,
        chunk: int = 8,
        life: int = LIFE,
        setup: Callable[[], None] | None = None,
        freeze: bool = True,
    ):
        self._freeze = freeze
        self._chunks = [todo[i : i + chunk] for i in range(0, len(todo), chunk)]
        self._next = 0
        self._work, self._receive, self._setup = work, receive, setup
        self._workers, self._life = workers, max(1, life // chunk)
        self._running: dict[Connection, list] = {}  # pipe -> [process, chunks handed out]
        self._frozen = False

    def start(self) -> None:
        if self._freeze:
            gc.collect()
            gc.freeze()  # for the replacements forked later too
            self._frozen = True
        for _ in range(min(self._workers, len(self._chunks))):
            self._fork()

    def poll(self, block: bool) -> bool:
        """Take what the workers sent (``block``: until all work is done); True when done."""
        while self._running:
            ready = wait(list(self._running), timeout=None if block else 0)
            if not ready:
                return False
            for connection in ready:
                self._answer(connection)
        return True

    def stop(self) -> None:
        for connection, (process, _) in self._running.items():
            process.terminate()
            process.join()
            connection.close()
        self._running.clear()
        if self._frozen:
            gc.unfreeze()
            self._frozen = False

    def _fork(self) -> None:
        context = multiprocessing.get_context("fork")
        parent, child = context.Pipe()
        process = context.Process(target=self._serve, args=(child, parent))
        process.start()
        child.close()  # the worker holds the only other end: EOF when it ends
        self._running[parent] = [process, 0]

    def _answer(self, connection: Connection) -> None:
        process, handed = self._running[connection]
        try:
            results, error = connection.recv()
        except EOFError:
            del self._running[connection]
            process.join()
            raise WorkerDied(process.exitcode) from None
        if error is not None:
            raise error
        for result in results:
            self._receive(result)
        if self._next < len(self._chunks) and handed < self._life:
            connection.send(self._chunks[self._next])
            self._next += 1
            self._running[connection][1] += 1
            return
        connection.send(None)  # this worker's life is over, or the work is
        del self._running[connection]
        process.join()
        connection.close()
        if self._next < len(self._chunks):
            self._fork()

    def _serve(self, connection: Connection, parent_end: Connection) -> None:  # in the worker
        # The parent's ends of every pipe came along with the fork: closed here, so that a
        # parent that is gone (killed) is an end of file for each worker, not a wait.
        for end in (parent_end, *self._running):
            end.close()
        leave_signals_to_parent()
        if self._setup is not None:
            self._setup()
        results: list = []
        try:
            while True:
                connection.send((results, None))
                chunk = connection.recv()
                if chunk is None:
                    return
                try:
                    results = [self._work(i) for i in chunk]
                except Exception as exc:
                    connection.send(([], _picklable(exc)))
                    return
        except (ConnectionError, EOFError):  # the parent is gone: nobody to tell
            return


def _picklable(exc: Exception) -> Exception:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return RuntimeError(traceback.format_exc())
    return exc


@contextmanager
def running(workers: ForkedWorkers) -> Iterator[ForkedWorkers]:
    """Start the workers; stop whatever is left of them when the block ends."""
    try:
        workers.start()
        yield workers
    finally:
        workers.stop()
