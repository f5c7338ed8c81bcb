"""Read ``torch.distributed.checkpoint`` (DCP) folders without running code from them.

DCP keeps a checkpoint's index, ``.metadata``, as a pickle and reads it back with ``pickle.load``; its
default load planner reads every non-tensor value (the optimizer's hyper-parameters) with
``torch.load(weights_only=False)``. Either runs whatever a crafted file asks for. Here instead:

- ``read_metadata`` unpickles ``.metadata`` admitting only ``ADMITTED_GLOBALS`` (the DCP metadata
  dataclasses and the few torch helpers their pickles name) and fills in only instances of the DCP
  dataclasses, then checks what it got: a ``Metadata`` whose data files are plain names inside the
  checkpoint. Anything else is refused with ``UnsafeCheckpointError`` before it is imported or called.
- ``VettedReader`` hands DCP that metadata, so DCP never unpickles the file itself.
- ``PlainDataLoadPlanner`` reads non-tensor values with ``torch.load(weights_only=True)`` (plain Python
  values and tensors only), as DCP already reads tensors.

The admitted classes are exactly those the pickles of torch 2.13 name, checked on the trainer's own saves:
one process, two processes with FSDP2 (dense and MoE presets) and DDP. Every torch dtype is admitted
besides ``float32`` (a checkpoint of bf16 or integer tensors names its dtype), and Python 3.13's module
name for ``PosixPath`` besides the older one.
"""

from __future__ import annotations

import io
import os
import pickle
import warnings
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import torch
import torch.serialization
from torch.distributed.checkpoint import FileSystemReader
from torch.distributed.checkpoint._traverse import set_element
from torch.distributed.checkpoint.default_planner import DefaultLoadPlanner
from torch.distributed.checkpoint.filesystem import _StorageInfo
from torch.distributed.checkpoint.metadata import (
    _MEM_FORMAT_ENCODING,
    BytesStorageMetadata,
    ChunkStorageMetadata,
    Metadata,
    MetadataIndex,
    StorageMeta,
    TensorProperties,
    TensorStorageMetadata,
)
from torch.distributed.checkpoint.planner import ReadItem

from babelbeam.model.checkpoint_errors import CheckpointError, UnsafeCheckpointError

METADATA_NAME = ".metadata"
NOTHING_RAN = "(a crafted checkpoint runs code this way); nothing in it was run"
"""How every refusal ends: why it matters, and that the refused object was never built."""

_DCP_CLASSES: tuple[type, ...] = (Metadata, MetadataIndex, StorageMeta, TensorStorageMetadata,
                                  BytesStorageMetadata, ChunkStorageMetadata, TensorProperties, _StorageInfo)
"""The classes whose instances a metadata pickle may fill in (pickle's BUILD step)."""

ADMITTED_GLOBALS: dict[tuple[str, str], Any] = {
    **{(cls.__module__, cls.__qualname__): cls for cls in _DCP_CLASSES},
    ("torch.distributed.checkpoint.metadata", "_MEM_FORMAT_ENCODING"): _MEM_FORMAT_ENCODING,
    ("torch", "Size"): torch.Size,
    # torch.layout pickles as a call of this lookup by name (torch.strided), see torch/serialization.py.
    ("torch.serialization", "_get_layout"): torch.serialization._get_layout,
    # StorageMeta.checkpoint_id: the directory it was saved to. A pure path does nothing when built.
    ("pathlib", "PosixPath"): PurePosixPath,
    ("pathlib._local", "PosixPath"): PurePosixPath,
    **{("torch", name): value for name, value in vars(torch).items() if isinstance(value, torch.dtype)},
}
"""(module, name) a ``.metadata`` pickle may name -> the object it gets. Nothing else is imported."""


class _RestrictedUnpickler(pickle._Unpickler):
    """pickle's own (pure-Python) unpickler with two checks: ``find_class`` admits only ``ADMITTED_GLOBALS``,
    and BUILD (setting an object's state) applies only to instances of the DCP dataclasses, so a pickle
    cannot rewrite attributes of a class or function it was allowed to name. The C unpickler runs BUILD
    internally, where it cannot be checked."""

    dispatch = dict(pickle._Unpickler.dispatch)

    def __init__(self, file: BinaryIO, path: Path) -> None:
        super().__init__(file)
        self._path = path

    def find_class(self, module: str, name: str) -> Any:
        try:
            return ADMITTED_GLOBALS[(module, name)]
        except KeyError:
            raise UnsafeCheckpointError(
                f"{self._path}: refused to load: it names {module}.{name}, which is not checkpoint metadata "
                f"{NOTHING_RAN}") from None

    def _load_build(self) -> None:
        target = self.stack[-2]  # the stack ends with the object, then the state to give it
        if type(target) not in _DCP_CLASSES:
            raise UnsafeCheckpointError(
                f"{self._path}: refused to load: it sets the state of a {type(target).__name__}, which is "
                "not checkpoint metadata; nothing in it was run")
        pickle._Unpickler.load_build(self)

    dispatch[pickle.BUILD[0]] = _load_build


def _plain_file_name(name: object) -> bool:
    return (isinstance(name, str) and name not in ("", ".", "..") and "/" not in name
            and "\\" not in name and os.sep not in name)


def read_metadata(checkpoint: str | os.PathLike[str]) -> Metadata:
    """The DCP ``Metadata`` of the checkpoint folder ``checkpoint``, read without running code.

    Raises ``UnsafeCheckpointError`` when the file names anything but checkpoint metadata or points at a
    data file outside the folder, and ``CheckpointError`` when it is missing or corrupt; both name the file.
    """
    path = Path(checkpoint) / METADATA_NAME
    try:
        with open(path, "rb") as f:
            metadata = _RestrictedUnpickler(f, path).load()
    except CheckpointError:
        raise
    except OSError as e:
        raise CheckpointError(f"{path}: cannot read checkpoint metadata ({e.strerror or e})") from None
    except Exception as e:  # a truncated or garbled pickle fails in many ways: EOFError, ValueError, ...
        raise CheckpointError(f"{path}: checkpoint metadata is corrupt ({type(e).__name__}: "
                              f"{str(e)[:200]})") from None
    if not (isinstance(metadata, Metadata) and isinstance(metadata.state_dict_metadata, dict)
            and isinstance(metadata.storage_data, dict)):
        raise CheckpointError(f"{path}: not torch.distributed.checkpoint metadata "
                              f"(holds a {type(metadata).__name__})")
    for info in metadata.storage_data.values():
        if not isinstance(info, _StorageInfo):
            raise CheckpointError(f"{path}: a storage entry of type {type(info).__name__}, not _StorageInfo")
        if not _plain_file_name(info.relative_path):
            raise UnsafeCheckpointError(f"{path}: refused to load: it points at the data file "
                                        f"{info.relative_path!r}, which is outside the checkpoint")
    return metadata


def load_plain_data(file: str | os.PathLike[str] | BinaryIO) -> Any:
    """``torch.load(file, weights_only=True)``: tensors and plain Python values only, else UnpicklingError."""
    with warnings.catch_warnings():
        # A crafted raw pickle (not torch.save's zip) makes torch warn about its protocol before refusing it;
        # the refusal is what the user needs to see.
        warnings.filterwarnings("ignore", message="Detected pickle protocol")
        return torch.load(file, weights_only=True)


class VettedReader(FileSystemReader):
    """A DCP file-system reader that serves metadata already read by ``read_metadata``."""

    def __init__(self, checkpoint: str | os.PathLike[str], metadata: Metadata) -> None:
        super().__init__(checkpoint)
        self._metadata = metadata

    def read_metadata(self, *args: Any, **kwargs: Any) -> Metadata:
        # What FileSystemReader.read_metadata does after unpickling.
        if self._metadata.storage_meta is None:
            self._metadata.storage_meta = StorageMeta()
        self._metadata.storage_meta.load_id = self.load_id
        return self._metadata


class PlainDataLoadPlanner(DefaultLoadPlanner):
    """DCP's default load planner, except that non-tensor values load with ``weights_only=True``."""

    def __init__(self, checkpoint: str | os.PathLike[str]) -> None:
        super().__init__()
        self._checkpoint = Path(checkpoint)

    def load_bytes(self, read_item: ReadItem, value: io.BytesIO) -> None:
        try:
            loaded = load_plain_data(value)
        except pickle.UnpicklingError:
            assert self.metadata is not None  # set by set_up_planner before any read
            file = self._checkpoint / self.metadata.storage_data[read_item.storage_index].relative_path
            raise UnsafeCheckpointError(
                f"{file}: refused to load: the value of {read_item.dest_index.fqn} is a pickled object that "
                f"is not plain data {NOTHING_RAN}") from None
        # The rest as in DefaultLoadPlanner.load_bytes.
        if self.flatten_state_dict:
            set_element(self.original_state_dict, self.mappings[read_item.dest_index.fqn], loaded)
        else:
            self.state_dict[read_item.dest_index.fqn] = loaded
