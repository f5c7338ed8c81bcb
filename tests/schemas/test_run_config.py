"""One validation mechanism for every section: types, ranges, choices and rules, naming the key."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from babelbeam.schemas.config import ConfigError, RunConfig
from babelbeam.schemas.config_base import Bounds, OneOf, allowed_values, constraints, field_hints, from_dict


def _load(tmp_path: Path, text: str) -> RunConfig:
    path = tmp_path / "run.yaml"
    path.write_text(text)
    return RunConfig.from_yaml(path)


@pytest.mark.parametrize(("yaml_text", "message"), [
    # every section, at least one range each
    ("input: {max_document_bytes: 0}", "input.max_document_bytes: must be at least 1, got 0"),
    ("input: {max_rejected_fraction: 1.5}", "input.max_rejected_fraction: must be in [0, 1], got 1.5"),
    ("input: {text_field: ''}", "input.text_field: must not be empty"),
    ("normalize: {form: NFX}", "normalize.form: must be one of NFC, NFKC, NFD, NFKD, got 'NFX'"),
    ("langid: {threshold: -0.1}", "langid.threshold: must be in [0, 1], got -0.1"),
    ("langid: {thresholds: {jpn_Jpan: 2}}", "langid.thresholds.jpn_Jpan: must be in [0, 1], got 2.0"),
    ("langid: {thresholds: {japanese: 0.5}}",
     "langid.thresholds.japanese: not one of the 119 registry codes"),
    ("langid: {top_k: 0}", "langid.top_k: must be at least 1, got 0"),
    ("langid: {max_sample_chars: 10}", "langid.max_sample_chars: must be at least 100, got 10"),
    ("quality: {gopher_quality: {max_bullet_lines_ratio: 1.2}}",
     "quality.gopher_quality.max_bullet_lines_ratio: must be in [0, 1], got 1.2"),
    ("quality: {gopher_quality: {min_doc_words: 500, max_doc_words: 100}}",
     "quality.gopher_quality.min_doc_words: 500 is above max_doc_words 100"),
    ("quality: {gopher_repetition: {max_top_2gram_frac: 3}}",
     "quality.gopher_repetition.max_top_2gram_frac: must be in [0, 1], got 3.0"),
    ("quality: {fineweb: {short_line_length: -1}}",
     "quality.fineweb.short_line_length: must be at least 0, got -1"),
    ("quality: {c4: {languages: [english]}}",
     "quality.c4.languages: 'english' is not one of the 119 registry codes"),
    ("quality: {lines: {max_word_length: 0}}", "quality.lines.max_word_length: must be at least 1, got 0"),
    ("quality: {languages: {rus_Cyrl: {fineweb: {min_line_punct_ratio: 7}}}}",
     "quality.languages.rus_Cyrl.fineweb.min_line_punct_ratio: must be in [0, 1], got 7.0"),
    ("quality: {derive_stopwords_top_n: 0}", "quality.derive_stopwords_top_n: must be at least 1, got 0"),
    ("minhash: {bands: 0}", "minhash.bands: must be at least 1, got 0"),
    ("minhash: {seed: -1}", "minhash.seed: must be in [0, 4294967295], got -1"),
    ("minhash: {scheme: affine64}", "minhash.scheme: must be one of affine32, legacy, got 'affine64'"),
    ("scorer: {max_tokens: 0}", "scorer.max_tokens: must be at least 1, got 0"),
    ("scorer: {head_percentile: 101}", "scorer.head_percentile: must be in [0, 100], got 101.0"),
    ("scorer: {tail_percentile: 80, head_percentile: 20}",
     "scorer.tail_percentile: 80.0 is above head_percentile"),
    ("tokenize: {tokenizer: ''}", "tokenize.tokenizer: must not be empty"),
    ("output: {buckets: 0}", "output.buckets: must be at least 1, got 0"),
    ("output: {shard_tokens: -5}", "output.shard_tokens: must be at least 1, got -5"),
    ("output: {shard_tokens: 1.5}", "output.shard_tokens: expected int, got 1.5"),
    ("output: {keep_removed: 'yes'}", "output.keep_removed: expected bool, got 'yes'"),
    ("output: {bucket: 4}", "unknown config key output.bucket; did you mean output.buckets?"),
])
def test_a_wrong_value_names_its_key_and_the_file(tmp_path, yaml_text, message):
    with pytest.raises(ConfigError) as info:
        _load(tmp_path, yaml_text)
    assert str(info.value).startswith(f"{tmp_path / 'run.yaml'}: {message}"), str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(("text", "message"), [
    ("output: {buckets: [\n", "is not valid YAML at line 2, column 1"),
    ("- just\n- a list\n", "the config must be a mapping of sections, got list"),
    (b"output: {buckets: \xff}\n", "is not UTF-8 text"),
])
def test_a_broken_file_is_one_line_naming_it(tmp_path, text, message):
    path = tmp_path / "run.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    with pytest.raises(ConfigError, match="run.yaml") as info:
        RunConfig.from_yaml(path)
    assert message in str(info.value) and "\n" not in str(info.value)


def test_a_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="config file .*nope.yaml does not exist"):
        RunConfig.from_yaml(tmp_path / "nope.yaml")


def test_configs_built_in_code_are_checked_the_same_way():
    config = RunConfig()
    assert config.validate() is config
    config.output.buckets = 0
    with pytest.raises(ConfigError, match=r"^output\.buckets: must be at least 1, got 0$"):
        config.validate()
    config = RunConfig()
    config.quality.gopher_quality.min_avg_word_length = 20
    with pytest.raises(ConfigError, match=r"quality\.gopher_quality\.min_avg_word_length: 20 is above"):
        config.validate()
    config = RunConfig()
    config.langid.keep_languages = ["eng_Latn", "klingon"]
    with pytest.raises(ConfigError, match="langid.keep_languages: 'klingon'"):
        config.validate()


def test_every_numeric_field_has_a_range_and_every_choice_its_values():
    """The mechanism covers every section: a new numeric field without a range fails here."""
    any_number = {"scorer.min_score"}  # absolute scores, in the units of whatever the scorer outputs
    unbounded = []

    def visit(cls: type, prefix: str) -> None:
        for name, hint in field_hints(cls).items():
            key = f"{prefix}{name}"
            if dataclasses.is_dataclass(hint):
                visit(hint, f"{key}.")
            elif any(t in str(hint) for t in ("int", "float")) and not allowed_values(hint):
                if key not in any_number:
                    unbounded.append(key)

    visit(RunConfig, "")
    assert unbounded == [], f"numeric config keys without a range: {unbounded}"
    assert constraints(field_hints(type(RunConfig().minhash))["scheme"]) == [OneOf(("affine32", "legacy"))]


def test_bounds_describe_themselves():
    assert Bounds(1).describe() == "at least 1"
    assert Bounds(0.0, 1.0).describe() == "in [0, 1]"
    assert Bounds(0, low_exclusive=True).describe() == "positive"
    with pytest.raises(ConfigError, match="x: must be in \\[0, 1\\], got nan"):
        Bounds(0.0, 1.0).check(float("nan"), "x")


def test_relative_paths_become_absolute_and_names_stay(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = from_dict(RunConfig, {"langid": {"model": "models/glotlid.bin"},
                                   "quality": {"url_blocklist": "b.txt"},
                                   "minhash": {"index_dir": "gs://bucket/old"}})
    assert sorted(config.absolute_paths()) == ["langid.model", "quality.url_blocklist"]
    assert config.langid.model == str(tmp_path / "models" / "glotlid.bin")
    assert config.minhash.index_dir == "gs://bucket/old"  # a URI means the same everywhere
    assert config.tokenize.tokenizer == "qwen3"  # a name, not a path
