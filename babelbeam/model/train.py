"""The trainer: composes model, parallelism, optimizer, schedule, data, checkpoints and metrics.

Built in dependency order, as torchtitan does: process group, model config and FLOP count, model
(initialised in full from the seed so every rank and every world size starts from identical weights, then
sharded), parallelism (``parallelize.py``: activation checkpointing, compile, FSDP2 or DDP), optimizer,
data, checkpointer, resume.

Loss arithmetic: a step's loss is the sum of token cross-entropies over the whole global batch (every rank,
every micro-batch) divided by the global token count, ``data.batch_tokens`` (packing leaves no padding).
Each micro-batch backpropagates ``ce_sum * world / batch_tokens``; FSDP/DDP average gradients over the
``world`` ranks, so the accumulated gradient is exactly that of the global mean. For MoE presets the
global-batch load-balancing loss (``babelbeam.model.moe``) is added with weight ``model.load_balancing_coef``,
averaged over micro-batches and ranks.

One process (``babelbeam train ...``) trains without a process group; ``torchrun`` sets ``WORLD_SIZE`` and
the same code runs on NCCL (GPU) or gloo (CPU).
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
import torch.nn.functional as F

from babelbeam.console import Bar, Console
from babelbeam.model.checkpoint import Checkpointer, latest_checkpoint
from babelbeam.model.data import Batch, DocumentTable, PackedLoader, ValidationSet
from babelbeam.model.metrics import MetricsWriter, Progress, mfu, peak_flops, plot_losses
from babelbeam.model.parallelize import autocast_dtype, parallelize, setup_distributed
from babelbeam.model.qwen3 import Qwen3ForCausalLM
from babelbeam.model.train_config import TrainConfig, lr_at

log = logging.getLogger(__name__)


@dataclass
class StepResult:
    """What one optimizer step reports."""

    step: int
    """The step number after this step (1 for the first)."""
    loss: float
    """Global mean token cross-entropy of the step (nats/token), before the load-balancing term."""
    grad_norm: float
    """Global gradient norm before clipping."""
    lr: float
    lbl: float | None = None
    """Mean global-batch load-balancing loss over the step's micro-batches (MoE only)."""
    expert_counts: list[list[float]] | None = None
    """Per MoE layer, routed (token, expert) slots per expert over the global batch: every rank and every
    micro-batch of the step (MoE only)."""


@dataclass
class TrainResult:
    history: list[StepResult] = field(default_factory=list)
    validation: dict[int, float] = field(default_factory=dict)
    """Validation loss by step (step 0 = before training)."""
    checkpoint: Path | None = None


def param_groups(model: torch.nn.Module, weight_decay: float) -> list[dict[str, Any]]:
    """AdamW groups: decay on matrices of linear layers (attention, MLP, experts, routers, an untied head);
    no decay on norm weights (1-D) and the token embedding (also the tied head)."""
    decay, no_decay = [], []
    seen: set[int] = set()
    for name, p in model.named_parameters():
        if not p.requires_grad or id(p) in seen:
            continue
        seen.add(id(p))
        if p.ndim < 2 or "embed_tokens" in name:
            no_decay.append(p)
        else:
            decay.append(p)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


class Trainer:
    """Builds every component from a ``TrainConfig`` and runs the training loop."""

    def __init__(self, config: TrainConfig, show_progress: bool = True,
                 console: Console | None = None) -> None:
        self.config = config
        self.rank, self.world, self.device = setup_distributed()
        self.out = Path(config.output_dir)
        self.accumulation = config.accumulation_steps(self.world)
        self.model_config = config.model.qwen3_config()
        self.flops_per_token = self.model_config.flops_per_token(config.data.seq_len)
        cuda = self.device.type == "cuda"
        self.peak = peak_flops(torch.cuda.get_device_name(self.device)) if cuda else None

        # Model: the full model is initialised on every rank from the same seed, then sharded, so weights do
        # not depend on the world size (a sharded init would draw different numbers per layout).
        with torch.device("meta"):
            model = Qwen3ForCausalLM(self.model_config)
        model.to_empty(device=self.device)
        torch.manual_seed(config.seed)
        model.init_weights()
        self.raw_model = model
        self.model = parallelize(model, config.parallel, self.world, self.device,
                                 activation_checkpointing=config.model.activation_checkpointing,
                                 compile=config.model.compile)
        self.autocast_dtype = autocast_dtype(config.parallel, self.world, self.device)

        opt = config.optimizer
        self.optimizer = torch.optim.AdamW(param_groups(self.model, opt.weight_decay), lr=opt.lr,
                                           betas=(opt.betas[0], opt.betas[1]), eps=opt.eps, fused=True)
        self.balancer = None
        if self.model_config.is_moe:
            from babelbeam.model.moe import GlobalLoadBalancer

            self.balancer = GlobalLoadBalancer(self.model_config.num_experts,
                                               self.model_config.num_experts_per_tok)

        d = config.data
        self.table = DocumentTable(d.manifests, weight_by=d.weight_by,
                                   validation_fraction=d.validation_fraction, seed=d.seed)
        self.loader = PackedLoader(self.table, seq_len=d.seq_len, micro_batch_size=d.micro_batch_size,
                                   accumulation=self.accumulation, rank=self.rank, world_size=self.world,
                                   weights=d.weights, temperature=d.temperature, seed=d.seed)
        self.validation = ValidationSet(self.table, seq_len=d.seq_len, max_samples=d.validation_sequences,
                                        rank=self.rank, world_size=self.world)
        self.checkpointer = Checkpointer(self.out / "checkpoints", keep_last=config.checkpoint.keep_last)
        self.metrics = MetricsWriter(self.out / "metrics.jsonl", enabled=self.rank == 0)
        self.show_progress = show_progress and self.rank == 0
        # Rank 0 reports; the others keep quiet.
        self.console = console if console is not None else Console(quiet=not show_progress)
        if not self.show_progress:
            self.console = Console(quiet=True)
        self.step = 0
        self.tokens_seen = 0
        self.resumed_from: Path | None = None
        if config.checkpoint.resume:
            latest = latest_checkpoint(self.out / "checkpoints")
            if latest is not None:
                self.load_checkpoint(latest)
        if self.rank == 0:
            self.out.mkdir(parents=True, exist_ok=True)
            (self.out / "config.yaml").write_text(config.to_yaml(), encoding="utf-8")
            log.info("model %s: %d parameters (%d active), %.3g FLOPs/token at seq_len %d; world %d, "
                     "accumulation %d, groups %s with probabilities %s", config.model.preset,
                     self.model_config.num_params(), self.model_config.num_params(active=True),
                     self.flops_per_token, d.seq_len, self.world, self.accumulation, self.table.groups,
                     [round(float(p), 4) for p in self.loader.probabilities])

    # ------------------------------------------------------------------------------------------ state
    def trainer_state(self) -> dict[str, Any]:
        return {"step": self.step, "tokens_seen": self.tokens_seen, "world_size": self.world,
                "schedule": {"kind": self.config.schedule.kind, "step": self.step},
                "loader": self.loader.state_dict()}

    def save_checkpoint(self) -> Path:
        return self.checkpointer.save(self.step, self.model, self.optimizer, self.trainer_state(),
                                      self.config.to_yaml())

    def load_checkpoint(self, path: Path) -> None:
        state = self.checkpointer.load(path, self.model, self.optimizer)
        self.step = int(state["step"])
        self.tokens_seen = int(state["tokens_seen"])
        if state.get("world_size", self.world) != self.world:
            # The plan is global, so the loader continues correctly with another world size.
            log.warning("resuming a %d-rank run on %d ranks", state["world_size"], self.world)
        self.loader.load_state_dict(state["loader"])
        self.resumed_from = path
        log.info("resumed from %s at step %d", path, self.step)

    # ------------------------------------------------------------------------------------------- math
    def _forward(self, batch: Batch) -> tuple[torch.Tensor, list[torch.Tensor]]:
        """Summed fp32 token cross-entropy of one micro-batch and its router logits."""
        ids = batch.input_ids.to(self.device, non_blocking=True)
        labels = batch.labels.to(self.device, non_blocking=True)
        pos = batch.position_ids.to(self.device, non_blocking=True)
        docs = batch.document_ids.to(self.device, non_blocking=True)
        ctx = (torch.autocast("cuda", dtype=self.autocast_dtype) if self.autocast_dtype is not None
               else contextlib.nullcontext())
        with ctx:
            out = self.model(ids, position_ids=pos, document_ids=docs)
        logits = out.logits.float()  # the loss is computed in fp32 whatever the compute dtype
        ce_sum = F.cross_entropy(logits.view(-1, logits.shape[-1]), labels.view(-1), reduction="sum")
        return ce_sum, out.router_logits

    def _all_reduce(self, value: torch.Tensor) -> torch.Tensor:
        if self.world > 1:
            dist.all_reduce(value, op=dist.ReduceOp.SUM)
        return value

    def train_step(self, batches: list[Batch]) -> StepResult:
        """One optimizer step over this rank's micro-batches."""
        global_tokens = self.config.data.batch_tokens
        ce_total = torch.zeros((), dtype=torch.float64, device=self.device)
        lbl_total = torch.zeros((), dtype=torch.float32, device=self.device)
        for batch in batches:
            ce_sum, router_logits = self._forward(batch)
            loss = ce_sum * (self.world / global_tokens)
            if self.balancer is not None:
                lbl = self.balancer.loss(router_logits)
                loss = loss + self.config.model.load_balancing_coef * lbl / len(batches)
                lbl_total += lbl.detach() / len(batches)
            loss.backward()
            ce_total += ce_sum.detach().double()
        self._all_reduce(ce_total)
        max_norm = self.config.optimizer.grad_clip if self.config.optimizer.grad_clip > 0 else float("inf")
        grad_norm = torch.nn.utils.clip_grad_norm_(self.model.parameters(), max_norm)
        if hasattr(grad_norm, "full_tensor"):  # a DTensor under FSDP
            grad_norm = grad_norm.full_tensor()
        lr = lr_at(self.step, self.config.steps, self.config.optimizer, self.config.schedule)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
        self.optimizer.step()
        self.optimizer.zero_grad(set_to_none=True)
        self.step += 1
        self.tokens_seen += global_tokens
        result = StepResult(step=self.step, loss=float(ce_total) / global_tokens, grad_norm=float(grad_norm),
                            lr=lr)
        if self.balancer is not None:
            result.lbl = float(self._all_reduce(lbl_total)) / self.world
            result.expert_counts = self.balancer.counts.tolist() if self.balancer.counts is not None else None
            self.balancer.reset()
        return result

    @torch.no_grad()
    def evaluate(self) -> float | None:
        """Mean token cross-entropy over the validation split (all ranks), or None without a split."""
        if self.validation.total_samples == 0:
            return None
        self.model.eval()
        total = torch.zeros((), dtype=torch.float64, device=self.device)
        count = torch.zeros((), dtype=torch.float64, device=self.device)
        for batch in self.validation.batches(self.config.data.micro_batch_size):
            ce_sum, _ = self._forward(batch)
            total += ce_sum.double()
            count += batch.num_tokens
        self.model.train()
        self._all_reduce(total)
        self._all_reduce(count)
        return float(total / count)

    # ------------------------------------------------------------------------------------------- loop
    def train(self, stop_after: int | None = None) -> TrainResult:
        """Train until ``config.steps`` (or until step ``stop_after``, saving a checkpoint there)."""
        cfg = self.config
        last = min(cfg.steps, stop_after) if stop_after is not None else cfg.steps
        result = TrainResult()
        eval_every = cfg.logging.eval_interval
        if eval_every and self.step == 0:
            self._validate(result)
        self.model.train()
        bar = self.console.bar("train", total=cfg.steps, unit="steps", initial=self.step, interval_s=None)
        with bar:
            self._loop(result, last, bar)
        if self.rank == 0 and cfg.logging.plot and self.metrics.path.exists() and self.step >= cfg.steps:
            plot_losses(self.metrics.path, self.out / "loss.png")
        return result

    def _loop(self, result: TrainResult, last: int, bar: Bar) -> None:
        """Steps until ``last``: metrics every ``log_interval`` steps, progress from step 1 on,
        checkpoints."""
        cfg = self.config
        eval_every = cfg.logging.eval_interval
        progress = Progress(cfg.steps, self.step)
        first_step = self.step + 1
        window_start, window_tokens = time.perf_counter(), 0
        shown_start, shown_tokens, last_line = time.perf_counter(), 0, float("-inf")
        while self.step < last:
            step_result = self.train_step(self.loader.next_step())
            result.history.append(step_result)
            window_tokens += cfg.data.batch_tokens
            shown_tokens += cfg.data.batch_tokens
            if self.step % cfg.logging.log_interval == 0 or self.step == last:
                if self.device.type == "cuda":
                    torch.cuda.synchronize(self.device)
                elapsed = time.perf_counter() - window_start
                tps = window_tokens / elapsed if elapsed > 0 else 0.0
                tps_device = tps / self.world
                mfu_value = mfu(tps_device, self.flops_per_token, self.peak)
                record = {"step": self.step, "loss": step_result.loss, "lr": step_result.lr,
                          "grad_norm": step_result.grad_norm, "tokens": self.tokens_seen, "tokens_per_s": tps,
                          "tokens_per_s_per_device": tps_device, "time": time.time()}
                if mfu_value is not None:
                    record["mfu"] = mfu_value
                if step_result.lbl is not None:
                    record["lbl"] = step_result.lbl
                self.metrics.write(record)
                window_start, window_tokens = time.perf_counter(), 0
            now = time.perf_counter()
            # A line at the first step, then at log-interval steps at most every progress interval, and the
            # last; a terminal's bar redraws every step.
            line_due = (self.step in (first_step, last) or (self.step % cfg.logging.log_interval == 0
                        and now - last_line >= self.console.interval_s))
            if not self.console.quiet and (line_due or self.console.live):
                if line_due and self.device.type == "cuda":
                    torch.cuda.synchronize(self.device)
                    now = time.perf_counter()
                tps = shown_tokens / (now - shown_start) if now > shown_start else 0.0
                mfu_value = mfu(tps / self.world, self.flops_per_token, self.peak)
                extra = f"lbl {step_result.lbl:.3f}" if step_result.lbl is not None else ""
                status = f"loss {step_result.loss:.4f} | {tps:,.0f} tok/s"
                line = progress.line(self.step, step_result.loss, step_result.lr, tps, mfu_value, extra,
                                     tokens=self.tokens_seen)
                bar.update(self.step, status, force=line_due, text=line)
                if line_due:
                    shown_start, shown_tokens, last_line = now, 0, now
            if eval_every and (self.step % eval_every == 0 or self.step == last):
                self._validate(result)
            interval = cfg.checkpoint.interval
            if (interval and self.step % interval == 0) or self.step == last:
                result.checkpoint = self.save_checkpoint()

    def _validate(self, result: TrainResult) -> None:
        val = self.evaluate()
        if val is None:
            return
        result.validation[self.step] = val
        self.metrics.write({"step": self.step, "val_loss": val, "tokens": self.tokens_seen,
                            "time": time.time()})
        self.console.print(f"step {self.step}: validation loss {val:.4f}")

    def close(self) -> None:
        """Leave the process group (if this trainer joined one)."""
        if dist.is_available() and dist.is_initialized():
            dist.barrier()
            dist.destroy_process_group()


def train(config: TrainConfig, stop_after: int | None = None, show_progress: bool = True,
          console: Console | None = None) -> TrainResult:
    """Build a ``Trainer``, train, and always close: the whole entry point. Progress goes to ``console``
    (stderr by default; rank 0 only)."""
    trainer = Trainer(config, show_progress=show_progress, console=console)
    try:
        return trainer.train(stop_after=stop_after)
    finally:
        trainer.close()
