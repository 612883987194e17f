"""Forked workers (wijkmonitor/forked_workers.py): every index once, across worker lives;
an error in the work raised in the parent; a worker killed mid-work an error at once,
never the endless wait of multiprocessing.Pool."""

from __future__ import annotations

import os
import pickle
import signal
import time
from pathlib import Path

import pytest

from wijkmonitor.core.problems import Problem, ProblemsError
from wijkmonitor.forked_workers import ForkedWorkers, WorkerDied, running
from wijkmonitor.website.build import TargetError


def _run(work, count: int = 50, **options) -> list:
    received: list = []
    pool = ForkedWorkers(list(range(count)), work, received.append, 2, **options)
    with running(pool):
        assert pool.poll(block=True)
    return received


def test_every_index_is_done_once_by_workers_that_are_replaced():
    received = _run(lambda i: (i * i, os.getpid()), chunk=2, life=6)
    assert sorted(square for square, _ in received) == [i * i for i in range(50)]
    pids = {pid for _, pid in received}
    assert os.getpid() not in pids and len(pids) >= 50 // 6  # a fresh fork every 6


def test_an_error_in_the_work_is_raised_in_the_parent():
    def work(i):
        if i == 17:
            raise ValueError("seventeen")
        return i

    with pytest.raises(ValueError, match="seventeen"):
        _run(work, chunk=4)


def test_problems_raised_in_a_worker_arrive_whole():
    """Exception pickles by its message: a ProblemsError would arrive as one Problem per
    character of its text unless it says how to pickle itself."""
    problem = Problem("indicators/a.yml", 3, "title", "must be text")

    def work(i):
        raise ProblemsError([problem, problem])

    with pytest.raises(ProblemsError) as raised:
        _run(work, count=4)
    assert raised.value.problems == [problem, problem]
    target = pickle.loads(pickle.dumps(TargetError(Path("site"), "not a site")))
    assert isinstance(target, TargetError) and target.problems[0].field == "--site-dir"


def test_a_killed_worker_is_an_error_at_once():
    def work(i):
        if i == 30:
            os.kill(os.getpid(), signal.SIGKILL)
        return i

    started = time.monotonic()
    with pytest.raises(WorkerDied, match=r"exit code -9; killed: out of memory\?"):
        _run(work, chunk=5)
    assert time.monotonic() - started < 10


def test_workers_whose_parent_is_gone_end_quietly(capfd):
    """Each worker holds no end of another's pipe: a parent that was killed is an end
    of file for every worker, which then stops (not a worker left waiting forever)."""
    pool = ForkedWorkers(list(range(10)), lambda i: i, lambda result: None, 2, chunk=1)
    pool.start()
    processes = [process for process, _ in pool._running.values()]
    for connection in pool._running:
        connection.close()  # as when the parent was killed
    pool._running.clear()
    for process in processes:
        process.join(10)
    assert [process.exitcode for process in processes] == [0, 0]
    assert capfd.readouterr().err == ""
