"""Crafted checkpoints for the loading tests: unpickling any of them would run ``touch MARKER``.

The payload is the one a real attack uses: an object whose ``__reduce__`` returns ``(os.system, (cmd,))``,
so ``pickle.load`` calls ``os.system(cmd)`` while it reads the file. A test passes only if the marker file
never appears and the loader refuses the file by name.
"""

from __future__ import annotations

import json
import os
import pickle
import shlex
from pathlib import Path

from babelbeam.model.checkpoint import CHECKSUMS, COMPLETE, CONFIG_NAME, TRAINER_STATE, file_checksums
from babelbeam.model.train_config import TrainConfig


class RunsCommand:
    """Pickles as a call of ``os.system(command)``."""

    def __init__(self, command: str) -> None:
        self.command = command

    def __reduce__(self) -> tuple:
        return (os.system, (self.command,))


def touch_payload(marker: Path) -> bytes:
    """A pickle that creates ``marker`` when it is loaded."""
    return pickle.dumps(RunsCommand(f"touch {shlex.quote(str(marker))}"))


def crafted_checkpoint(directory: Path, marker: Path, train_config: dict | None = None) -> Path:
    """The folder of the security report: ``COMPLETE``, ``trainer.json``, ``config.yaml`` (a valid tiny
    TrainConfig) and a ``.metadata`` that runs ``touch marker``. Returns ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / COMPLETE).write_text("1\n", encoding="utf-8")
    (directory / TRAINER_STATE).write_text(json.dumps({"step": 1, "tokens_seen": 0, "world_size": 1}),
                                           encoding="utf-8")
    config = TrainConfig.from_dict(train_config or {"model": {"preset": "tiny"}})
    (directory / CONFIG_NAME).write_text(config.to_yaml(), encoding="utf-8")
    (directory / ".metadata").write_bytes(touch_payload(marker))
    return directory


def replace_value_with_pickle(checkpoint: Path, fqn: str, payload: bytes) -> Path:
    """Make value ``fqn`` of a real checkpoint the pickle ``payload``, as an attacker would: append it to a
    data file, declare ``fqn`` a non-tensor value stored there in ``.metadata`` (built only from genuine
    checkpoint metadata types) and recompute the checksums. Returns the data file."""
    from torch.distributed.checkpoint.filesystem import _StorageInfo
    from torch.distributed.checkpoint.metadata import BytesStorageMetadata, MetadataIndex

    metadata = pickle.loads((checkpoint / ".metadata").read_bytes())  # written by this test: trusted
    data = sorted(checkpoint.glob("*.distcp"))[0]
    offset = data.stat().st_size
    with open(data, "ab") as f:
        f.write(payload)
    metadata.storage_data = {k: v for k, v in metadata.storage_data.items() if k.fqn != fqn}
    metadata.storage_data[MetadataIndex(fqn)] = _StorageInfo(data.name, offset, len(payload))
    metadata.state_dict_metadata[fqn] = BytesStorageMetadata()
    (checkpoint / ".metadata").write_bytes(pickle.dumps(metadata))
    (checkpoint / CHECKSUMS).write_text(json.dumps(file_checksums(checkpoint)), encoding="utf-8")
    return data
