"""The errors a training checkpoint can raise on load, importable without torch (the CLI catches them).

Both carry a one-line message that starts with the file at fault.
"""

from __future__ import annotations


class CheckpointError(RuntimeError):
    """A checkpoint is incomplete, corrupt or unreadable; the message names the file."""


class UnsafeCheckpointError(CheckpointError):
    """A checkpoint file holds a pickled object that is not checkpoint data (it could run code); refused.

    Raised before the object is built: nothing the file names is imported or called.
    """
