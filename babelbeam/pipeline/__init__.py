"""Beam wiring: sources, stages, the dedup graph, sinks and options. The only package that imports Beam."""
