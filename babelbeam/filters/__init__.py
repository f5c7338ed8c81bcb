"""Pure per-document logic: language ID, quality heuristics, MinHash signatures. No Beam imports here."""
