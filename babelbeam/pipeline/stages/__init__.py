"""The per-document stages of a run: what each one is, and their order.

- ``base.py``: the contract every stage keeps (``DocumentStageFn`` / ``DocumentStage``: keep or remove with a
  stable reason, counters, ``StageSummary`` for extra outputs, ``set_up``).
- ``normalize.py``, ``langid.py``, ``quality.py``, ``score.py``: one stage each.
- ``chain.py``: ``document_stages(config)``, the stages a run applies, in order; the only file to edit when a
  stage is added.
"""
