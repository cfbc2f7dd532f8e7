"""``pipeline.fanout``: the items shared by this process and the workers, results in order."""

import multiprocessing
import os
import time

from pipeline.fanout import in_order


def _nothing() -> None:
    pass


def _slow_start() -> None:
    time.sleep(60)


def _in_worker(item: int) -> tuple[int, int]:
    return item, os.getpid()


def _here(item: int) -> tuple[int, int]:
    time.sleep(0.05)  # slower than the worker, so it gets a share once it has started
    return item, os.getpid()


def test_both_sides_work_and_results_keep_the_items_order():
    results = list(in_order(range(60), _here, _in_worker, 1, _nothing, ()))
    assert [item for item, _ in results] == list(range(60))
    assert {pid for _, pid in results} - {os.getpid()}, "the worker took a share"


def test_a_batch_done_before_any_worker_started_does_not_wait_for_one():
    started = time.monotonic()
    results = list(in_order(range(3), _here, _in_worker, 1, _slow_start, ()))
    assert results == [(item, os.getpid()) for item in range(3)]
    assert time.monotonic() - started < 30


def test_stopping_the_workers_leaves_this_process_s_other_children_alive():
    other = multiprocessing.get_context("spawn").Process(target=time.sleep, args=(60,))  # e.g. another pool's worker
    other.start()
    try:
        list(in_order(range(3), _here, _in_worker, 1, _slow_start, ()))
        assert other.is_alive()
    finally:
        other.kill()
        other.join()
