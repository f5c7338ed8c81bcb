"""Training data from babelbeam token shards: mixing, packing, sharding across ranks, resumable state.

The loader works in two layers so that every rank sees the same global order
and only materialises its own part of it:

1. A **document table** over all shards of one or more manifests (memory-mapped,
   nothing copied): per document its shard, token offset, length, mixing group
   (language or source) and whether it is held out for validation (a seeded hash
   of its id, so the split is stable whatever the shard layout).
2. A **global packing plan**, identical on every rank: groups are drawn with
   probability ``weight * token_share ** (1 / temperature)`` from counter-based
   seeded random blocks; within a group documents come in a seeded permutation
   per epoch; documents are laid end to end (each already ends with EOS) and cut
   into samples of ``seq_len + 1`` tokens. A document cut at a sample boundary
   continues in the next sample. The plan is pure index arithmetic on document
   lengths, so planning every rank's samples costs little.

Optimizer step ``s`` consumes global samples ``[s * G, (s + 1) * G)`` with
``G = world * micro_batch * accumulation``; rank ``r`` takes the contiguous
block ``[r * micro_batch * accumulation, (r + 1) * ...)`` of them, micro-step
``a`` the ``a``-th ``micro_batch`` of that block. So two ranks with micro-batch
``m`` see exactly the samples one rank with micro-batch ``2m`` sees, and no
sample is read twice. The loader's state (samples planned, group draws, each
group's epoch and position, the document in progress) is a few integers, saved
with every checkpoint, so a resume continues at the next unseen token.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from babelbeam.schemas.config_base import ConfigError
from babelbeam.tokenize.shards import Shard, open_shard, read_manifest, verify_shard

log = logging.getLogger(__name__)

# Group draws are generated in blocks of this many from a counter-based seed, so the
# loader state needs only the number of draws made, not a generator's internal state.
_DRAW_BLOCK = 4096


@dataclass
class Batch:
    """One micro-batch for one rank. All tensors are ``[micro_batch, seq_len]`` int64 on the CPU."""

    input_ids: torch.Tensor
    labels: torch.Tensor
    position_ids: torch.Tensor
    """Position of each token within its document segment; restarts at 0 after every EOS and at each sample
    start."""
    document_ids: torch.Tensor
    """Index of each token's document segment within its sample (0, 1, ...), for the document attention
    mask."""
    sample_ids: list[int]
    """Global index of each sample in the packing plan (distinct across ranks and steps)."""
    spans: list[list[tuple[int, int, int]]]
    """Per sample, the ``(document, start, end)`` token spans it was cut from (document = row of the
    table)."""

    @property
    def num_tokens(self) -> int:
        """Label tokens in this micro-batch (every position carries a label: packing leaves no padding)."""
        return int(self.labels.numel())


def _hash_unit(seed: int, doc_id: str) -> float:
    """A uniform number in [0, 1) from a seeded hash of a document id (stable across runs and machines)."""
    digest = hashlib.blake2b(f"{seed}\x00{doc_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") / 2.0**64


class DocumentTable:
    """Every document of a set of manifests: where its tokens are, its mixing group and its split.

    Rows are in manifest order, then shard order, then document order, so row numbers are stable. Each
    shard's size and SHA-256 are checked against its manifest entry before it is opened (once per file per
    process, streamed): a corrupt or changed shard raises ``ShardChecksumError`` naming it.
    """

    def __init__(self, manifests: Sequence[str | Path], *, weight_by: str = "language",
                 validation_fraction: float = 0.0, seed: int = 0) -> None:
        if not manifests:
            raise ConfigError("data.manifests is empty: name at least one babelbeam output directory")
        self.shards: list[Shard] = []
        shard_of, start, length, group_names, validation = [], [], [], [], []
        self.eos_id: int | None = None
        for manifest_path in manifests:
            manifest = read_manifest(manifest_path)
            eos = manifest.tokenizer.get("eos_id")
            if self.eos_id is not None and eos is not None and eos != self.eos_id:
                raise ValueError(f"{manifest.path}: EOS id {eos} differs from the other manifests' "
                                 f"{self.eos_id}")
            self.eos_id = eos if eos is not None else self.eos_id
            for entry in manifest.shards:
                verify_shard(entry)  # a flipped byte fails here, naming the shard, not as odd tokens later
                shard = open_shard(entry.path)
                index = len(self.shards)
                self.shards.append(shard)
                n = shard.num_documents
                offsets = shard.offsets
                shard_of.append(np.full(n, index, dtype=np.int32))
                start.append(offsets[:-1])
                length.append(np.diff(offsets))
                if weight_by == "language":
                    group_names.extend(shard.langs)
                elif weight_by == "source":
                    group_names.extend(s or "" for s in shard.table.column("source").to_pylist())
                else:
                    group_names.extend([""] * n)
                ids = shard.ids
                if validation_fraction > 0:
                    validation.append(np.fromiter((_hash_unit(seed, i) < validation_fraction for i in ids),
                                                  dtype=bool, count=n))
                else:
                    validation.append(np.zeros(n, dtype=bool))
        self.shard = np.concatenate(shard_of) if shard_of else np.zeros(0, np.int32)
        self.start = np.concatenate(start) if start else np.zeros(0, np.int64)
        self.length = np.concatenate(length) if length else np.zeros(0, np.int64)
        self.validation = np.concatenate(validation) if validation else np.zeros(0, bool)
        self.groups: list[str] = sorted(set(group_names))
        lookup = {g: i for i, g in enumerate(self.groups)}
        self.group = np.fromiter((lookup[g] for g in group_names), dtype=np.int32, count=len(group_names))

    def __len__(self) -> int:
        return len(self.length)

    def tokens(self, doc: int, begin: int, end: int) -> np.ndarray:
        """Tokens ``[begin, end)`` of document row ``doc`` (a view into the memory map)."""
        base = int(self.start[doc])
        return self.shards[int(self.shard[doc])].tokens[base + begin:base + end]

    def fingerprint(self) -> dict[str, Any]:
        """Facts a saved loader state depends on; a resume against different data is refused."""
        return {"documents": len(self), "tokens": int(self.length.sum()), "groups": list(self.groups)}


def mixing_probabilities(table: DocumentTable, weights: dict[str, float], temperature: float) -> np.ndarray:
    """Probability of drawing each group: ``weight * token_share ** (1 / temperature)``, normalised.

    Shares count training tokens only. Groups without training tokens, or with weight 0, get probability 0.
    """
    train = ~table.validation
    tokens = np.bincount(table.group[train], weights=table.length[train], minlength=len(table.groups))
    total = tokens.sum()
    if total <= 0:
        raise ConfigError("data.manifests: no training tokens: the shards are empty or every document is "
                          "held out (data.validation_fraction)")
    share = tokens / total
    w = np.array([float(weights.get(g, 1.0)) for g in table.groups])
    unknown = sorted(set(weights) - set(table.groups))
    if unknown:
        log.warning("data.weights names groups not in the data: %s", ", ".join(unknown))
    with np.errstate(divide="ignore"):
        q = np.where(share > 0, w * share ** (1.0 / temperature), 0.0)
    if q.sum() <= 0:
        raise ConfigError("data.weights leave no group to draw from")
    return q / q.sum()


class PackedLoader:
    """Packed training samples for one data-parallel rank, from the global plan described in the module
    doc."""

    def __init__(self, table: DocumentTable, *, seq_len: int, micro_batch_size: int, accumulation: int,
                 rank: int = 0, world_size: int = 1, weights: dict[str, float] | None = None,
                 temperature: float = 1.0, seed: int = 0) -> None:
        self.table = table
        self.seq_len = seq_len
        self.micro_batch_size = micro_batch_size
        self.accumulation = accumulation
        self.rank = rank
        self.world_size = world_size
        self.seed = seed
        self.probabilities = mixing_probabilities(table, weights or {}, temperature)
        train = ~table.validation
        self._docs = [np.flatnonzero(train & (table.group == g)) for g in range(len(table.groups))]
        # Plan state: all plain integers (see state_dict).
        self.samples = 0
        self.draws = 0
        self.cursors = [[0, 0] for _ in table.groups]
        self.current: list[int] | None = None  # [document row, tokens of it already used]
        self._block: tuple[int, np.ndarray] | None = None
        self._perm: dict[int, tuple[int, np.ndarray]] = {}

    @property
    def samples_per_step(self) -> int:
        """Global samples one optimizer step consumes (all ranks, all micro-steps)."""
        return self.world_size * self.micro_batch_size * self.accumulation

    def _draw_group(self) -> int:
        block, index = divmod(self.draws, _DRAW_BLOCK)
        if self._block is None or self._block[0] != block:
            rng = np.random.default_rng([self.seed, 1, block])
            self._block = (block, rng.choice(len(self.probabilities), size=_DRAW_BLOCK, p=self.probabilities))
        self.draws += 1
        return int(self._block[1][index])

    def _next_document(self) -> int:
        group = self._draw_group()
        epoch, position = self.cursors[group]
        cached = self._perm.get(group)
        if cached is None or cached[0] != epoch:
            rng = np.random.default_rng([self.seed, 2, group, epoch])
            cached = (epoch, rng.permutation(len(self._docs[group])))
            self._perm[group] = cached
        doc = int(self._docs[group][cached[1][position]])
        position += 1
        if position == len(self._docs[group]):
            log.info("data group %r starts epoch %d", self.table.groups[group], epoch + 1)
            epoch, position = epoch + 1, 0
        self.cursors[group] = [epoch, position]
        return doc

    def _plan_sample(self) -> list[tuple[int, int, int]]:
        """The next sample of ``seq_len + 1`` tokens as (document, start, end) spans."""
        need = self.seq_len + 1
        spans = []
        while need > 0:
            if self.current is None:
                self.current = [self._next_document(), 0]
            doc, used = self.current
            take = min(int(self.table.length[doc]) - used, need)
            spans.append((doc, used, used + take))
            need -= take
            used += take
            self.current = None if used == int(self.table.length[doc]) else [doc, used]
        self.samples += 1
        return spans

    def next_step(self) -> list[Batch]:
        """This rank's ``accumulation`` micro-batches of the next optimizer step."""
        first = self.samples
        plans = [self._plan_sample() for _ in range(self.samples_per_step)]
        per_rank = self.micro_batch_size * self.accumulation
        mine = range(self.rank * per_rank, (self.rank + 1) * per_rank)
        batches = []
        for a in range(self.accumulation):
            ids = [mine[a * self.micro_batch_size + i] for i in range(self.micro_batch_size)]
            batches.append(make_batch(self.table, [plans[i] for i in ids], [first + i for i in ids],
                                      self.seq_len))
        return batches

    def state_dict(self) -> dict[str, Any]:
        """JSON-ready position in the plan: resuming from it yields the next unseen sample."""
        return {
            "samples": self.samples,
            "draws": self.draws,
            "cursors": [list(c) for c in self.cursors],
            "current": None if self.current is None else list(self.current),
            "seed": self.seed,
            "probabilities": [float(p) for p in self.probabilities],
            "table": self.table.fingerprint(),
        }

    def load_state_dict(self, state: dict[str, Any]) -> None:
        if state["table"] != self.table.fingerprint():
            raise ValueError(f"the checkpoint's data ({state['table']['documents']} documents, "
                             f"{state['table']['tokens']} tokens) is not this run's data "
                             f"({len(self.table)} documents, {int(self.table.length.sum())} tokens)")
        if state["seed"] != self.seed or not np.allclose(state["probabilities"], self.probabilities):
            raise ValueError("the checkpoint's data.seed or mixing weights differ from this run's")
        self.samples = int(state["samples"])
        self.draws = int(state["draws"])
        self.cursors = [[int(e), int(p)] for e, p in state["cursors"]]
        self.current = None if state["current"] is None else [int(x) for x in state["current"]]
        self._block = None
        self._perm = {}


def make_batch(table: DocumentTable, plans: Sequence[list[tuple[int, int, int]]], sample_ids: list[int],
               seq_len: int) -> Batch:
    """Materialise planned samples: tokens, shifted labels, per-segment positions and document ids."""
    n = len(plans)
    tokens = np.empty((n, seq_len + 1), dtype=np.int64)
    positions = np.empty((n, seq_len + 1), dtype=np.int64)
    documents = np.empty((n, seq_len + 1), dtype=np.int64)
    for row, spans in enumerate(plans):
        at = 0
        for segment, (doc, begin, end) in enumerate(spans):
            size = end - begin
            tokens[row, at:at + size] = table.tokens(doc, begin, end)
            positions[row, at:at + size] = np.arange(size)
            documents[row, at:at + size] = segment
            at += size
    t = torch.from_numpy(tokens)
    return Batch(
        input_ids=t[:, :-1].contiguous(),
        labels=t[:, 1:].contiguous(),
        position_ids=torch.from_numpy(positions[:, :-1].copy()),
        document_ids=torch.from_numpy(documents[:, :-1].copy()),
        sample_ids=list(sample_ids),
        spans=[list(p) for p in plans],
    )


class ValidationSet:
    """Held-out documents packed in table order into a fixed set of samples, split evenly across ranks.

    Every rank gets the same number of samples (FSDP needs every rank in every forward), so the total is
    rounded down to a multiple of ``world_size``.
    """

    def __init__(self, table: DocumentTable, *, seq_len: int, max_samples: int, rank: int = 0,
                 world_size: int = 1) -> None:
        docs = np.flatnonzero(table.validation)
        plans: list[list[tuple[int, int, int]]] = []
        spans: list[tuple[int, int, int]] = []
        need = seq_len + 1
        for doc in docs:
            used, length = 0, int(table.length[doc])
            while used < length and len(plans) < max_samples:
                take = min(length - used, need)
                spans.append((int(doc), used, used + take))
                used += take
                need -= take
                if need == 0:
                    plans.append(spans)
                    spans, need = [], seq_len + 1
            if len(plans) >= max_samples:
                break
        usable = len(plans) // world_size * world_size
        self.total_samples = usable
        self.table = table
        self.seq_len = seq_len
        self.sample_ids = list(range(rank, usable, world_size))
        self.plans = [plans[i] for i in self.sample_ids]
        if usable == 0 and len(docs):
            log.warning("validation split too small for one %d-token sample per rank: validation is off",
                        seq_len)

    def batches(self, micro_batch_size: int) -> list[Batch]:
        """This rank's validation samples in micro-batches (the last one may be smaller, equally on all
        ranks)."""
        out = []
        for i in range(0, len(self.plans), micro_batch_size):
            out.append(make_batch(self.table, self.plans[i:i + micro_batch_size],
                                  self.sample_ids[i:i + micro_batch_size], self.seq_len))
        return out
