"""MinHash-LSH clustering of signature records as a Beam graph that scales with the runner's workers.

``ClusterSignatures`` is the near-duplicate half of the dedup phase (``pipeline/phases/dedup.py``): band
keys, ranks and optional shingle sets in, ``(id, ClusterMember(dup_cluster, size, representative))`` out
for every new member of a cluster of two or more. ``dup_cluster`` is the smallest id in the near-duplicate
component; each cluster keeps one representative (highest ``quality_score`` when any member has one, else the
smallest id), the rest become ``minhash_duplicate``. No text is involved.

Steps, and what each holds in memory (n = documents, b = bands):

1. Signatures (annotate, ``phases/annotate.py:signature_row``): shingles -> MinHash signature -> b band
   hashes and, with the Jaccard check, the shingle hashes (4 bytes a distinct shingle).
2. Buckets: band entries travel in batches, grouped by ``band key mod band_groups(n, b)`` (GroupByKey on
   the group, about ``ENTRIES_PER_GROUP`` entries each: one element per batch, not per entry); each group's
   keys are sorted with numpy and every bucket (run of one key) of two or more members gives an edge from
   each member to its smallest id (a star, not all pairs) -> ``Distinct``. A bucket above
   ``max_bucket_size`` links only its ``max_bucket_size`` smallest ids, counted.
3. Optional Jaccard check: edges joined with both ends' shingle sets by id (two CoGroupByKeys); per key: one
   shingle set and that node's edge list.
4. Connected components: ``cc_rounds`` alternating large-star / small-star rounds (Kiveris et al. 2014),
   unrolled at construction; each node's neighbour list is streamed twice, never held. Then a final per-node
   pass finds the edges not yet in star form (nodes with two parents, or a parent and children); only those,
   at most ``max_residual_edges``, meet in one process for a union-find, whose result (residual nodes only)
   is a side input. Everything already in stars is labelled without it.
5. ``Clusters``: labels joined with ranks by id, grouped by root (streamed twice: size, min id and
   representative, then one record per member).

Dedup against an existing dataset: every run writes its survivors' ``(id, bands)`` to ``DIR/minhash/`` (the
parameters are kept in the Parquet schema metadata); ``index_dir`` reads them back, old ids enter the graph as
nodes ``id + OLD_SUFFIX``, buckets with only old members are skipped, and a cluster with an old member keeps
no new member. Old documents are never emitted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

import apache_beam as beam
import numpy as np
import pyarrow as pa
from apache_beam.io.filesystems import FileSystems
from apache_beam.transforms.window import GlobalWindows
from apache_beam.utils.windowed_value import WindowedValue

from babelbeam.filters.minhash import jaccard
from babelbeam.pipeline.stages.base import Counters, counter
from babelbeam.pipeline.workdir import INDEX_DIR, INDEX_PREFIX, parquet_rows
from babelbeam.schemas.config import ConfigError
from babelbeam.schemas.minhash_config import SIGNATURE_VERSIONS, MinHashConfig

MINHASH_DUPLICATE = "minhash_duplicate"
"""Removal reason of a near duplicate that is not its cluster's representative."""
OLD_SUFFIX = "\x00old"
"""Marks an id read from a dedup index in the graph (ids never contain NUL; it sorts right after the id)."""

_RANK = "rank"
_SHINGLES = "shingles"
_RESIDUAL = "residual"

Node = str
Edge = tuple[str, str]
Joined = tuple[Node, dict[str, Iterable[Any]]]  # a CoGroupByKey's output: key and its groups
# Representative order: documents with a quality score first, highest score first, then the smallest id.
RankKey = tuple[int, float, str]


def _is_old(node: Node) -> bool:
    return node.endswith(OLD_SUFFIX)


def rank_key(doc_id: str, quality_score: float | None) -> RankKey:
    """Sort key whose minimum is a cluster's representative."""
    return (1, 0.0, doc_id) if quality_score is None else (0, -float(quality_score), doc_id)


def index_schema(config: MinHashConfig) -> pa.Schema:
    """Arrow schema of the signature index: id and band hashes, the shingling/hash parameters as metadata."""
    return pa.schema(
        [pa.field("id", pa.string(), nullable=False),
         pa.field("bands", pa.list_(pa.int64()), nullable=False)],
        metadata={f"babelbeam.minhash.{k}": v for k, v in config.index_params().items()},
    )


def check_index(index_dir: str, config: MinHashConfig) -> str:
    """The file pattern of the signature index under ``index_dir``; raises ``ConfigError`` when it is missing
    or was written with other parameters (its band hashes would never match)."""
    import pyarrow.parquet as pq

    pattern = FileSystems.join(index_dir, INDEX_DIR, f"{INDEX_PREFIX}*.parquet")
    matches = FileSystems.match([pattern])[0].metadata_list
    if not matches:
        raise ConfigError(f"minhash.index_dir: no signature files match {pattern}")
    wanted = config.index_params()
    for match in matches:  # every file's footer: a truncated file is named here, not deep inside a worker
        try:
            with FileSystems.open(match.path) as f:
                metadata = pq.read_schema(f).metadata or {}
        except (OSError, pa.ArrowException) as e:
            raise ConfigError(
                f"minhash.index_dir: {match.path} is not a readable signature file ({e})") from None
        stored = {k.decode()[len("babelbeam.minhash.") :]: v.decode() for k, v in metadata.items()
                  if k.decode().startswith("babelbeam.minhash.")}
        if "signature_version" not in stored and stored.get("hash_function") in ("sha1", "crc32"):
            # written before the versions existed: those two hashes were then what they are now
            stored["signature_version"] = SIGNATURE_VERSIONS[stored["hash_function"]]
        if stored != wanted:
            diff = ", ".join(f"{k}: index {stored.get(k)!r} vs run {v!r}" for k, v in wanted.items()
                             if stored.get(k) != v)
            hint = ""
            if stored.get("signature_version") != wanted["signature_version"]:
                hint = ("; its band hashes come from another shingle hash and can never match this run's: "
                        f"set minhash.hash_function to {stored.get('hash_function')!r} to read it (if this "
                        "babelbeam has that version), or rebuild the index with this run's settings")
            raise ConfigError(f"minhash.index_dir: {match.path} was written with other MinHash parameters "
                              f"({diff}){hint}")
    return pattern


# ------------------------------------------------------------------------------------------------------------
# 2. Candidate edges


ENTRIES_PER_GROUP = 1 << 20
"""Band entries a bucket group holds (``band key mod groups``): about 80 MB, ids included."""
BATCH_ENTRIES = 1 << 16
"""Band entries a worker buffers before sending them on, one element per group they fall in."""


def band_groups(documents: int, bands: int) -> int:
    """How many groups the band entries of ``documents`` signatures (``bands`` each) are sorted in: enough
    that none holds much over ``ENTRIES_PER_GROUP``, so no process ever sorts a whole corpus's entries."""
    return max(1, -(-documents * bands // ENTRIES_PER_GROUP))


class _BandBatchesFn(beam.DoFn):
    """``(id, band keys)`` -> ``(group, (keys, ids))``: a batch of band entries per group, so the shuffle and
    the bucket step see one element per batch, not one per band of every document (14 a document)."""

    def __init__(self, groups: int) -> None:
        super().__init__()
        self._groups = groups
        self._keys: list[int] = []
        self._ids: list[Node] = []

    def start_bundle(self) -> None:
        self._keys, self._ids = [], []

    def process(self, element: tuple[Node, list[int]]) -> Iterator[tuple[int, tuple[np.ndarray, list[Node]]]]:
        node, keys = element
        self._keys.extend(keys)
        self._ids.extend([node] * len(keys))
        if len(self._keys) >= BATCH_ENTRIES:
            yield from self._flush()

    def finish_bundle(self) -> Iterator[WindowedValue]:  # type: ignore[override]  # Beam takes its outputs
        for value in self._flush():
            yield GlobalWindows.windowed_value(value)

    def _flush(self) -> Iterator[tuple[int, tuple[np.ndarray, list[Node]]]]:
        if not self._keys:
            return
        keys, ids = np.array(self._keys, dtype=np.int64), np.array(self._ids, dtype=object)
        self._keys, self._ids = [], []
        group = keys.view(np.uint64) % np.uint64(self._groups)
        for g in np.unique(group):
            mine = group == g
            yield int(g), (keys[mine], ids[mine].tolist())


class _BucketEdgesFn(beam.DoFn):
    """A group's band entries -> for each bucket (band key) of two or more members, an edge ``(smallest id,
    member)`` per other member; hot buckets capped at their ``max_bucket_size`` smallest ids."""

    def __init__(self, max_bucket_size: int) -> None:
        super().__init__()
        self._cap = max_bucket_size
        self._counters = Counters("minhash")  # hot_buckets, hot_bucket_docs_dropped, candidate_buckets

    def process(self, element: tuple[int, Iterable[tuple[np.ndarray, list[Node]]]]) -> Iterator[Edge]:
        _, batches = element
        key_parts, ids = [], []
        for keys, batch_ids in batches:
            key_parts.append(keys)
            ids.extend(batch_ids)
        keys = np.concatenate(key_parts)
        order = np.argsort(keys, kind="stable")
        keys = keys[order]
        # Start of each run of equal keys; only runs of two or more are buckets that can give edges.
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        ends = np.r_[starts[1:], len(keys)]
        shared = ends - starts > 1
        for start, end in zip(starts[shared].tolist(), ends[shared].tolist(), strict=True):
            yield from self._bucket([ids[i] for i in order[start:end].tolist()])

    def _bucket(self, members: list[Node]) -> Iterator[Edge]:
        if all(_is_old(node) for node in members):  # a bucket of old documents was settled by an earlier run
            return
        members.sort()
        if len(members) > self._cap:
            self._counters.inc("hot_buckets")
            self._counters.inc("hot_bucket_docs_dropped", len(members) - self._cap)
            del members[self._cap:]
        self._counters.inc("candidate_buckets")
        smallest = members[0]
        for node in members[1:]:
            if node != smallest:
                yield smallest, node


# ------------------------------------------------------------------------------------------------------------
# 3. Jaccard check


class _JaccardHalfFn(beam.DoFn):
    """Per smaller end u: attach u's shingle set to each of its edges, re-keyed by the other end."""

    def process(self, element: Joined) -> Iterator[tuple[Node, tuple[Node, Any]]]:
        u, groups = element
        shingle_set = next(iter(groups[_SHINGLES]), None)
        for v in groups["edges"]:
            yield v, (u, shingle_set)


class _JaccardCheckFn(beam.DoFn):
    def __init__(self, threshold: float) -> None:
        super().__init__()
        self._threshold = threshold
        self._counters = Counters("minhash")  # jaccard_checked, _rejected, _unchecked_index_edges

    def process(self, element: Joined) -> Iterator[Edge]:
        v, groups = element
        mine = next(iter(groups[_SHINGLES]), None)
        mine_set = None if mine is None else np.frombuffer(mine, dtype=np.uint32)
        for u, theirs in groups["half"]:
            if mine_set is None or theirs is None:
                # An end read from the index has no stored shingles: the LSH candidate stands unchecked.
                self._counters.inc("jaccard_unchecked_index_edges")
                yield u, v
                continue
            self._counters.inc("jaccard_checked")
            if jaccard(np.frombuffer(theirs, dtype=np.uint32), mine_set) >= self._threshold:
                yield u, v
            else:
                self._counters.inc("jaccard_rejected")


# ------------------------------------------------------------------------------------------------------------
# 4. Connected components


def _both_ways(edge: Edge) -> Iterator[Edge]:
    yield edge
    yield edge[1], edge[0]


class _LargeStarFn(beam.DoFn):
    """Node u, neighbours N: link every neighbour larger than u to m = min(N + u)."""

    def process(self, element: tuple[Node, Iterable[Node]]) -> Iterator[Edge]:
        u, neighbours = element
        m = min(min(neighbours), u)
        for v in neighbours:
            if v > u:
                yield m, v


class _SmallStarFn(beam.DoFn):
    """Node u, neighbours N: link u and every neighbour smaller than u to m = min of those."""

    def process(self, element: tuple[Node, Iterable[Node]]) -> Iterator[Edge]:
        u, neighbours = element
        m = min((v for v in neighbours if v < u), default=None)
        if m is None:
            return
        yield m, u
        for v in neighbours:
            if v < u and v != m:
                yield m, v


class _ClassifyFn(beam.DoFn):
    """After the rounds: a node with no smaller neighbour is a root, one with exactly one smaller neighbour
    and no larger ones is a leaf; both are labelled here. Other nodes' edges are residual (not yet stars)."""

    def __init__(self) -> None:
        super().__init__()
        self._residual_nodes = counter("minhash", "cc_residual_nodes")

    def process(self, element: tuple[Node, Iterable[Node]]) -> Iterator[Any]:
        u, neighbours = element
        parent, parents, children = None, set(), False
        for v in neighbours:
            if v < u:
                parents.add(v)
                parent = v
                if len(parents) > 1:
                    break
            elif v > u:
                children = True
        if not parents or (len(parents) == 1 and not children):
            # Root: its own label; leaf: its parent's (a root, or a residual node the side input relabels).
            yield u, (u if not parents else parent)
            return
        self._residual_nodes.inc()
        yield u, u
        for v in neighbours:
            yield beam.pvalue.TaggedOutput(_RESIDUAL, (min(u, v), max(u, v)))


def _residual_roots(edges: list[Edge], max_edges: int) -> dict[Node, Node]:
    """Union-find over the few edges the star rounds left; node -> smallest node of its component."""
    edges = sorted(set(edges))
    if len(edges) > max_edges:
        raise RuntimeError(
            f"MinHash connected components: {len(edges)} edges left after the star rounds, more than "
            f"minhash.max_residual_edges={max_edges}; raise minhash.cc_rounds")
    parent: dict[Node, Node] = {}

    def find(x: Node) -> Node:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    nodes = {n for edge in edges for n in edge}
    return {n: find(n) for n in nodes}


class ConnectedComponents(beam.PTransform):
    """Edges ``(a, b)`` -> ``(node, smallest node of its component)`` for every node on an edge.

    ``rounds`` large-star + small-star rounds, then a bounded final pass (see the module docstring).
    """

    def __init__(self, rounds: int, max_residual_edges: int) -> None:
        super().__init__()
        self._rounds, self._max_residual = rounds, max_residual_edges

    def expand(self, edges: beam.PCollection) -> beam.PCollection:
        for r in range(self._rounds):
            edges = (
                edges
                | f"LargeStarBothWays{r}" >> beam.FlatMap(_both_ways)
                | f"LargeStarGroup{r}" >> beam.GroupByKey()
                | f"LargeStar{r}" >> beam.ParDo(_LargeStarFn())
                | f"SmallStarBothWays{r}" >> beam.FlatMap(_both_ways)
                | f"SmallStarGroup{r}" >> beam.GroupByKey()
                | f"SmallStar{r}" >> beam.ParDo(_SmallStarFn())
                | f"Distinct{r}" >> beam.Distinct()
            )
        classified = (
            edges
            | "FinalBothWays" >> beam.FlatMap(_both_ways)
            | "FinalGroup" >> beam.GroupByKey()
            | "Classify" >> beam.ParDo(_ClassifyFn()).with_outputs(_RESIDUAL, main="labels")
        )
        roots = (
            classified[_RESIDUAL]
            | "GatherResidual" >> beam.combiners.ToList()
            | "ResidualUnionFind" >> beam.Map(_residual_roots, self._max_residual)
        )
        return classified["labels"] | "ApplyResidual" >> beam.Map(
            lambda kv, table: (kv[0], table.get(kv[1], kv[1])), table=beam.pvalue.AsSingleton(roots))


# ------------------------------------------------------------------------------------------------------------
# 5. Clusters


def _label_with_rank(element: Joined) -> Iterator[tuple[Node, tuple[Node, Any]]]:
    node, groups = element
    root = next(iter(groups["label"]), None)
    if root is not None:  # a document on no edge is a singleton: it gets no decision
        yield root, (node, next(iter(groups[_RANK]), None))


class ClusterMember(NamedTuple):
    """What MinHash decided for one member of a near-duplicate cluster."""

    cluster: str
    """The smallest id of the cluster (``dup_cluster``)."""
    size: int
    representative: bool
    """The member the cluster keeps (none when an index document is in the cluster)."""


class _ClusterFn(beam.DoFn):
    """One component -> ``(id, ClusterMember)`` for each new member."""

    def __init__(self) -> None:
        super().__init__()
        self._clusters = counter("minhash", "clusters")
        self._index_dups = counter("minhash", "index_duplicates")

    def process(self, element: tuple[Node, Iterable[tuple[Node, RankKey | None]]]) -> Iterator[Any]:
        _, members = element
        size, smallest, best, has_old = 0, None, None, False
        for node, rank in members:  # pass 1
            size += 1
            shown = node.removesuffix(OLD_SUFFIX)
            if smallest is None or shown < smallest:
                smallest = shown
            if _is_old(node):
                has_old = True
            elif rank is not None and (best is None or rank < best):
                best = rank
        self._clusters.inc()
        for node, rank in members:  # pass 2
            if _is_old(node):
                continue
            if has_old:
                self._index_dups.inc()
            yield node, ClusterMember(smallest, size, not has_old and rank == best)


class ClusterSignatures(beam.PTransform):
    """Steps 2-5: ``{"bands": (id, band keys), "rank": (id, rank) [, "shingles": (id, bytes)]}`` -> ``(id,
    ClusterMember)`` for each new member of a cluster of two or more; no text: dedup runs it on stored rows.
    ``documents``: how many signatures to expect (the dedup phase counts them; it sets ``band_groups``, and
    an underestimate only makes each group hold more entries).
    """

    def __init__(self, config: MinHashConfig, documents: int = 0, label: str | None = None) -> None:
        super().__init__(label)
        self._config = config.validate()
        # Checked at construction so a mismatched index fails before any work is done.
        self._index_pattern = check_index(config.index_dir, config) if config.index_dir else None
        if self._index_pattern:
            documents += parquet_rows(self._index_pattern)
        self._groups = band_groups(documents, config.bands)

    def expand(self, inputs: dict[str, beam.PCollection]) -> beam.PCollection:
        config = self._config
        bands = inputs["bands"]
        if self._index_pattern:
            old = (
                bands.pipeline
                | "ReadIndex" >> beam.io.ReadFromParquet(self._index_pattern, columns=["id", "bands"])
                | "IndexBands" >> beam.Map(lambda row: (row["id"] + OLD_SUFFIX, row["bands"]))
            )
            bands = (bands, old) | "WithIndex" >> beam.Flatten()

        edges = (
            bands
            | "BandBatches" >> beam.ParDo(_BandBatchesFn(self._groups))
            | "BucketGroups" >> beam.GroupByKey()
            | "BucketEdges" >> beam.ParDo(_BucketEdgesFn(config.max_bucket_size))
            | "DistinctEdges" >> beam.Distinct()
        )
        if config.jaccard_check:
            shingle_sets = inputs[_SHINGLES]
            half = (
                {"edges": edges, _SHINGLES: shingle_sets}
                | "JoinSmallerEnd" >> beam.CoGroupByKey()
                | "ShinglesOfSmallerEnd" >> beam.ParDo(_JaccardHalfFn())
            )
            edges = (
                {"half": half, _SHINGLES: shingle_sets}
                | "JoinLargerEnd" >> beam.CoGroupByKey()
                | "JaccardCheck" >> beam.ParDo(_JaccardCheckFn(config.jaccard_threshold))
            )

        labels = edges | "Components" >> ConnectedComponents(config.cc_rounds, config.max_residual_edges)
        return (
            {"label": labels, _RANK: inputs[_RANK]}
            | "JoinRanks" >> beam.CoGroupByKey()
            | "LabelWithRank" >> beam.FlatMap(_label_with_rank)
            | "GroupClusters" >> beam.GroupByKey()
            | "Clusters" >> beam.ParDo(_ClusterFn())
        )
