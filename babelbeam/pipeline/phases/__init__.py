"""The phases of a run, one module each, in the order ``pipeline/run.py`` composes them.

- ``plan``: the waves, the saved plan ``--resume`` checks, the ``langid.thresholds: auto`` pre-pass;
- ``annotate``: per wave, the document stages, then documents and signatures persisted by bucket;
- ``dedup``: once, exact and MinHash decisions from the signatures alone (no text);
- ``write``: per bucket, a streaming merge, the decisions applied, tokens cut into shards;
- ``finalize``: stats.json and the manifest from the phases' markers.

Each Beam phase unit (a wave, dedup, a group of buckets) is one pipeline and ends with its marker
(``pipeline/workdir.py``), so ``--resume`` redoes only units without one. Output bytes depend on the input,
the config and ``files_per_wave``, never on where a run was interrupted.
"""
