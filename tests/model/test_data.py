"""The training loader: packing, mixing, determinism, rank split, resume and the validation split."""

from __future__ import annotations

import numpy as np
import pytest
from trainutil import EOS, synthetic_rows, write_manifest

from babelbeam.model.data import DocumentTable, PackedLoader, ValidationSet, mixing_probabilities


@pytest.fixture(scope="module")
def manifest(tmp_path_factory):
    rows = synthetic_rows(400, langs=("eng_Latn", "deu_Latn", "deu_Latn", "fra_Latn"),
                          sources=("web", "books"))
    return write_manifest(tmp_path_factory.mktemp("shards"), rows, docs_per_shard=64)


def loader(manifest, *, rank=0, world=1, micro=2, accum=2, seq_len=32, seed=7, fraction=0.1, **kw):
    table = DocumentTable([manifest], validation_fraction=fraction, seed=seed)
    return PackedLoader(table, seq_len=seq_len, micro_batch_size=micro, accumulation=accum, rank=rank,
                        world_size=world, seed=seed, **kw)


def test_samples_are_packed_documents_with_positions_and_document_ids(manifest):
    ld = loader(manifest)
    batches = [b for _ in range(6) for b in ld.next_step()]
    for b in batches:
        assert b.input_ids.shape == b.labels.shape == b.position_ids.shape == b.document_ids.shape == (2, 32)
        assert (b.labels[:, :-1] == b.input_ids[:, 1:]).all()
        for row in range(2):
            ids, pos, doc = b.input_ids[row], b.position_ids[row], b.document_ids[row]
            restarts = (pos[1:] == 0).nonzero().flatten() + 1
            # a new segment starts right after an EOS and nowhere else, and gets the next document id
            assert (ids[restarts - 1] == EOS).all()
            assert ((ids[:-1] == EOS).nonzero().flatten() + 1).tolist() == restarts.tolist()
            assert (doc[restarts] == doc[restarts - 1] + 1).all()
            # the sample's tokens are exactly its planned document spans
            expected = np.concatenate([ld.table.tokens(*span) for span in b.spans[row]])
            assert expected.tolist() == ids.tolist() + [int(b.labels[row, -1])]


def test_plan_is_deterministic_and_seeded(manifest):
    a = [b.input_ids for _ in range(3) for b in loader(manifest).next_step()]
    b = [b.input_ids for _ in range(3) for b in loader(manifest).next_step()]
    c = [b.input_ids for _ in range(3) for b in loader(manifest, seed=8).next_step()]
    assert all((x == y).all() for x, y in zip(a, b, strict=True))
    assert not all((x == y).all() for x, y in zip(a, c, strict=True))


def test_two_ranks_split_the_single_rank_batch_without_overlap(manifest):
    single = loader(manifest, micro=4, accum=2)
    ranks = [loader(manifest, rank=r, world=2, micro=2, accum=2) for r in range(2)]
    seen_samples: set[int] = set()
    seen_tokens: set[tuple[int, int]] = set()
    for _ in range(8):
        one = single.next_step()
        per_rank = [ld.next_step() for ld in ranks]
        ids_one = sorted(i for b in one for i in b.sample_ids)
        ids_two = [i for batches in per_rank for b in batches for i in b.sample_ids]
        assert sorted(ids_two) == ids_one and len(set(ids_two)) == len(ids_two)
        assert not seen_samples & set(ids_two)
        seen_samples |= set(ids_two)
        tokens_one = {i: b.input_ids[k].tolist() for b in one for k, i in enumerate(b.sample_ids)}
        for batches in per_rank:
            for b in batches:
                for k, i in enumerate(b.sample_ids):
                    assert b.input_ids[k].tolist() == tokens_one[i]
                    for doc, begin, end in b.spans[k]:
                        # first epoch: no (document, token) read twice, the shared sample-boundary label aside
                        span = {(doc, t) for t in range(begin, end - 1)}
                        assert not seen_tokens & span
                        seen_tokens |= span


def test_resume_continues_at_the_next_unseen_sample(manifest):
    ld = loader(manifest)
    for _ in range(5):
        ld.next_step()
    state = ld.state_dict()
    expected = [b.input_ids for _ in range(3) for b in ld.next_step()]
    resumed = loader(manifest)
    resumed.load_state_dict(state)
    got = [b.input_ids for _ in range(3) for b in resumed.next_step()]
    assert all((x == y).all() for x, y in zip(expected, got, strict=True))


def test_resume_against_other_data_is_refused(manifest, tmp_path):
    state = loader(manifest).state_dict()
    other = write_manifest(tmp_path, synthetic_rows(50, seed=3))
    with pytest.raises(ValueError, match="not this run's data"):
        loader(other).load_state_dict(state)


def test_temperature_sampling_over_language_token_shares(manifest):
    table = DocumentTable([manifest], validation_fraction=0.1, seed=7)
    train = ~table.validation
    tokens = np.bincount(table.group[train], weights=table.length[train]).astype(float)
    share = tokens / tokens.sum()
    assert np.allclose(mixing_probabilities(table, {}, 1.0), share)
    flat = mixing_probabilities(table, {}, 1e6)
    assert np.allclose(flat, 1 / len(share), atol=1e-4)
    t3 = mixing_probabilities(table, {}, 3.0)
    assert np.allclose(t3, share ** (1 / 3) / (share ** (1 / 3)).sum())
    # deu_Latn has twice the documents: temperature lowers its probability
    deu = table.groups.index("deu_Latn")
    assert flat[deu] < t3[deu] < share[deu]
    weighted = mixing_probabilities(table, {"fra_Latn": 0.0, "eng_Latn": 2.0}, 1.0)
    assert weighted[table.groups.index("fra_Latn")] == 0.0
    eng = table.groups.index("eng_Latn")
    assert np.isclose(weighted[eng] / weighted[deu], 2 * share[eng] / share[deu])


def test_draws_follow_the_mixing_probabilities(manifest):
    ld = loader(manifest, temperature=3.0, weights={"eng_Latn": 3.0})
    draws = np.array([ld._draw_group() for _ in range(20000)])
    freq = np.bincount(draws, minlength=len(ld.probabilities)) / len(draws)
    assert np.allclose(freq, ld.probabilities, atol=0.015)
    # a dropped group is never read
    ld0 = loader(manifest, weights={"fra_Latn": 0.0})
    fra = ld0.table.groups.index("fra_Latn")
    docs = {d for _ in range(10) for b in ld0.next_step() for spans in b.spans for d, _, _ in spans}
    assert all(ld0.table.group[d] != fra for d in docs)


def test_validation_split_is_by_document_id_and_never_trained_on(manifest, tmp_path):
    table = DocumentTable([manifest], validation_fraction=0.1, seed=7)
    held = set(np.flatnonzero(table.validation).tolist())
    assert 20 < len(held) < 65  # about 10% of 400
    # the same documents in a different shard layout are held out by id, not by position
    rows = synthetic_rows(400, langs=("eng_Latn", "deu_Latn", "deu_Latn", "fra_Latn"),
                          sources=("web", "books"))
    relaid = DocumentTable([write_manifest(tmp_path, rows[::-1], docs_per_shard=33)],
                           validation_fraction=0.1, seed=7)
    ids = [i for s in table.shards for i in s.ids]
    relaid_ids = [i for s in relaid.shards for i in s.ids]
    assert {ids[i] for i in held} == {relaid_ids[i] for i in np.flatnonzero(relaid.validation)}
    ld = loader(manifest)
    trained = {d for _ in range(20) for b in ld.next_step() for spans in b.spans for d, _, _ in spans}
    assert not trained & held
    val = ValidationSet(table, seq_len=32, max_samples=10, rank=0, world_size=1)
    val_docs = {d for b in val.batches(4) for spans in b.spans for d, _, _ in spans}
    assert val_docs and val_docs <= held


def test_validation_is_split_evenly_across_ranks(manifest):
    table = DocumentTable([manifest], validation_fraction=0.1, seed=7)
    sets = [ValidationSet(table, seq_len=32, max_samples=9, rank=r, world_size=2) for r in range(2)]
    assert sets[0].total_samples == 8
    assert len(sets[0].plans) == len(sets[1].plans) == 4
    assert not set(sets[0].sample_ids) & set(sets[1].sample_ids)


def test_a_shard_with_a_flipped_byte_is_refused_before_training(tmp_path):
    from babelbeam.tokenize.shards import ShardChecksumError, open_shard, read_manifest

    rows = synthetic_rows(120, seed=5)
    path = write_manifest(tmp_path, rows, docs_per_shard=50)
    shard_path = read_manifest(path).shards[1].path
    data = bytearray(open(shard_path, "rb").read())
    offset = data.find(rows[50].tokens.tobytes())  # the first document of shard 1, in the token buffer
    assert offset > 0
    data[offset] ^= 0x01  # one bit of one token id: the Arrow file stays perfectly readable
    open(shard_path, "wb").write(bytes(data))
    assert open_shard(shard_path).num_documents == 50  # the reader alone cannot notice
    with pytest.raises(ShardChecksumError, match=r"part-00001\.arrow: checksum mismatch"):
        DocumentTable([path])
