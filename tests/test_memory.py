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
