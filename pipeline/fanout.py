"""``docloop extract -j N``: one command's documents shared by this process and N-1 workers.

A worker costs seconds before its first result: a fresh interpreter imports docloop,
opens the store, and its first document starts its own parse child (spaCy,
unstructured). On a short batch that is more than the work itself, so this process,
whose pipeline is built already, works from the first document on, and the workers
get documents only once one has started, a few at a time, so that whoever is free
takes the next one. A batch finished here before any worker started never waits for
one: the workers are stopped instead. Results come back in the order of the items.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

QUEUED = 2  # documents handed to each worker at a time: one it runs, one so it never waits for this process


def _started() -> bool:
    return True  # runs after the worker's initializer: its pipeline is built


def in_order(items: Sequence[T], here: Callable[[T], R], there: Callable[[T], R], workers: int,
             initializer: Callable[..., None], initargs: tuple[Any, ...]) -> Iterator[R]:
    """``here(item)`` in this process or ``there(item)`` in a worker, for every item, yielded in order."""
    # spawn: a fresh interpreter, not a fork of this one's open connections, threads and parse children
    pool = ProcessPoolExecutor(workers, multiprocessing.get_context("spawn"), initializer=initializer, initargs=initargs)
    started = pool.submit(_started)
    results: dict[int, R] = {}
    away: dict[Future, int] = {}
    claimed = given = 0
    try:
        while given < len(items):
            if claimed < len(items):
                if started.done() and len(away) < QUEUED * workers:
                    started.result()  # a worker that cannot build its pipeline fails the command, as here
                    away[pool.submit(there, items[claimed])] = claimed
                else:
                    results[claimed] = here(items[claimed])
                claimed += 1
            elif given not in results:
                wait(away, return_when=FIRST_COMPLETED)
            for future in [f for f in away if f.done()]:
                results[away.pop(future)] = future.result()
            while given in results:
                yield results.pop(given)
                given += 1
    finally:
        if not started.done():  # no worker has done anything yet: stopping one loses nothing
            # the pool's own processes only: active_children() would also stop other children of this process
            workers_started = list(pool._processes.values())  # shutdown() drops the mapping
            pool.shutdown(wait=False, cancel_futures=True)
            for process in workers_started:
                process.terminate()
        pool.shutdown()
