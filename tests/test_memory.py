"""Freeing memory between batches: a cycle made inside `collected_cheaply` is freed by a
collection that does not traverse what existed before the block."""

from __future__ import annotations

import gc
import weakref

from lumbung.memory import collected_cheaply


class Node:
    def __init__(self):
        self.me = self  # a reference cycle: freed by the collector only


def test_a_cycle_made_inside_the_block_is_freed_and_older_objects_are_left_alone():
    before = Node()
    old = weakref.ref(before)
    with collected_cheaply():
        assert gc.get_freeze_count() > 0  # what existed before the block is frozen
        inside = Node()
        new = weakref.ref(inside)
        del before, inside
        gc.collect()
        assert new() is None  # made inside the block: freed
        assert old() is not None  # frozen: not even looked at
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert old() is None  # unfrozen again: freed by the next collection


def test_blocks_nest_and_the_outermost_gives_the_objects_back():
    before = Node()
    old = weakref.ref(before)
    with collected_cheaply():
        with collected_cheaply():  # e.g. ingest's block inside the nightly flow's
            pass
        assert gc.get_freeze_count() > 0  # the inner block's end does not unfreeze the outer's objects
        del before
        gc.collect()
        assert old() is not None
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert old() is None


def test_a_parse_task_parses_with_what_existed_before_it_frozen(monkeypatch, tmp_path):
    """A worker process holds Prefect's and the parser's objects: a parse task must not have the
    collector walk them while it parses, and must leave the collector as it found it."""
    import lumbung.ingest as ingest

    seen = []
    monkeypatch.setattr(ingest, "parse_file", lambda *item: seen.append(gc.get_freeze_count()) or item[1])
    assert ingest.parse_files([(tmp_path / "a.txt", "a.txt", "0" * 64, None),
                               (tmp_path / "b.txt", "b.txt", "1" * 64, None)]) == ["a.txt", "b.txt"]
    assert len(seen) == 2 and min(seen) > 0
    assert gc.get_freeze_count() == 0


def test_blocks_in_threads_unfreeze_only_when_the_last_ends():
    """A Dask worker runs parse tasks in threads: the objects stay frozen until every block has ended."""
    import threading

    inside, release = threading.Barrier(3), threading.Event()

    def task():
        with collected_cheaply():
            inside.wait()
            release.wait()

    threads = [threading.Thread(target=task) for _ in range(2)]
    for t in threads:
        t.start()
    inside.wait()
    assert gc.get_freeze_count() > 0
    release.set()
    for t in threads:
        t.join()
    assert gc.get_freeze_count() == 0
