"""malloc's mmap threshold is fixed for the command and the worker processes it starts."""

from __future__ import annotations

import os
import subprocess
import sys

from babelbeam import process_memory


def test_threshold_set_for_this_process_and_its_children(monkeypatch):
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    process_memory.return_freed_memory()
    assert os.environ["MALLOC_MMAP_THRESHOLD_"] == str(process_memory.MMAP_THRESHOLD)
    child = subprocess.run([sys.executable, "-c", "import os; print(os.environ['MALLOC_MMAP_THRESHOLD_'])"],
                           capture_output=True, text=True, check=True)
    assert child.stdout.strip() == str(1 << 20)


def test_a_value_the_user_set_is_kept(monkeypatch):
    monkeypatch.setenv("MALLOC_MMAP_THRESHOLD_", "65536")
    process_memory.return_freed_memory()
    assert os.environ["MALLOC_MMAP_THRESHOLD_"] == "65536"
