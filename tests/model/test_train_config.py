"""TrainConfig: YAML and overrides, validation naming the key, accumulation arithmetic, learning-rate
schedules."""

from __future__ import annotations

import pytest

from babelbeam.model.train_config import OptimizerSection, ScheduleSection, TrainConfig, lr_at
from babelbeam.schemas.config_base import ConfigError


def test_yaml_round_trip_and_overrides(tmp_path):
    path = tmp_path / "train.yaml"
    path.write_text("model: {preset: tiny-moe}\ndata: {seq_len: 64, weights: {eng_Latn: 0.5}}\nsteps: 20\n")
    config = TrainConfig.from_yaml(path, ["optimizer.lr=1e-3", "data.temperature=3.3", "schedule.kind=wsd"])
    assert config.model.preset == "tiny-moe" and config.data.seq_len == 64 and config.steps == 20
    assert config.data.weights == {"eng_Latn": 0.5} and config.data.temperature == 3.3
    assert config.optimizer.lr == 1e-3 and config.schedule.kind == "wsd"
    again = tmp_path / "again.yaml"
    again.write_text(config.to_yaml())
    assert TrainConfig.from_yaml(again) == config


@pytest.mark.parametrize(("override", "key"), [
    ("data.seq_len=0", "data.seq_len"),
    ("schedule.kind=linear", "schedule.kind"),
    ("data.weight_by=url", "data.weight_by"),
    ("data.validation_fraction=1.5", "data.validation_fraction"),
    ("optimizer.lr=fast", "optimizer.lr"),
    ("data.colour=red", "colour"),
    ("data.weights={eng_Latn: -1}", "data.weights.eng_Latn"),
    ("optimizer.betas=[0.9]", "optimizer.betas"),
    ("logging.log_interval=0", "logging.log_interval"),
    ("model.preset=qwen3-7b", "model.preset"),
    ("model.overrides={num_key_value_heads: 3}", "model.overrides.num_key_value_heads"),
    ("model.overrides={num_layers: 3}", "model.overrides.num_layers"),
])
def test_bad_values_name_their_key(override, key):
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        TrainConfig.from_yaml(None, [override])


def test_model_overrides_build_the_model_config():
    config = TrainConfig.from_yaml(None, ["model.preset=tiny-moe", "model.overrides={num_hidden_layers: 3}"])
    model = config.model.qwen3_config()
    assert model.num_hidden_layers == 3 and model.num_experts == 8


def test_accumulation_steps_fill_the_global_batch():
    config = TrainConfig.from_yaml(None, ["data.seq_len=128", "data.micro_batch_size=2",
                                          "data.batch_tokens=2048"])
    assert config.accumulation_steps(1) == 8
    assert config.accumulation_steps(4) == 2
    with pytest.raises(ConfigError, match="data.batch_tokens"):
        config.accumulation_steps(3)


def test_cosine_schedule_warms_up_then_decays_to_the_floor():
    opt, sched = OptimizerSection(lr=1.0, min_lr_ratio=0.1), ScheduleSection(kind="cosine", warmup_steps=10)
    lrs = [lr_at(s, 100, opt, sched) for s in range(100)]
    assert lrs[0] == pytest.approx(1 / 11) and lrs[9] == pytest.approx(10 / 11)
    assert lrs[10] == pytest.approx(1.0)
    assert all(a >= b for a, b in zip(lrs[10:], lrs[11:], strict=False))
    assert lrs[-1] == pytest.approx(0.1)
    assert lrs[55] == pytest.approx(0.55, abs=0.01)  # half way through the decay: mean of peak and floor


def test_wsd_schedule_is_stable_then_decays_linearly():
    opt, sched = OptimizerSection(lr=2.0, min_lr_ratio=0.0), ScheduleSection(kind="wsd", warmup_steps=5,
                                                                             decay_fraction=0.2)
    lrs = [lr_at(s, 100, opt, sched) for s in range(100)]
    assert lrs[5:80] == [2.0] * 75
    decay = lrs[80:]
    assert all(a > b for a, b in zip(decay, decay[1:], strict=False))
    assert decay[-1] == pytest.approx(0.0)
    steps = [a - b for a, b in zip(decay, decay[1:], strict=False)]
    assert max(steps) == pytest.approx(min(steps))  # linear
    const = ScheduleSection(kind="constant", warmup_steps=0)
    assert {lr_at(s, 50, opt, const) for s in range(50)} == {2.0}
