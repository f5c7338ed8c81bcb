#!/usr/bin/env bash
# One-GPU training benchmark: tokens/s and MFU of babelbeam's trainer for 0.6B- and 1.7B-shaped Qwen3 runs,
# seq_len 4096, micro-batch 2, bf16, in under five minutes in all. Usage:
#
#   bash benchmarks/gpu/train_gpu.sh [OUT_DIR]      # writes OUT_DIR/train_gpu.json (default out/bench_train_gpu)
#   COMPILE=1 bash benchmarks/gpu/train_gpu.sh      # also torch.compile each decoder layer (slower start)
#
# Without a CUDA device it runs the same code path on a tiny config on the CPU, as a smoke test (no MFU).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=python3
OUT=${1:-out/bench_train_gpu}
mkdir -p "$OUT"
EXTRA=()
[ "${COMPILE:-0}" = "1" ] && EXTRA+=(--compile)

if "$PY" -c 'import sys, torch; sys.exit(0 if torch.cuda.is_available() else 1)'; then
    nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || true
    # 4 untimed steps absorb flex-attention compilation and allocator warm-up; 10 timed steps per model.
    timeout 290 "$PY" benchmarks/gpu/train_gpu.py --presets qwen3-0.6b,qwen3-1.7b --seq-len 4096 \
        --micro-batch 2 --warmup 4 --steps 10 --json "$OUT/train_gpu.json" "${EXTRA[@]}"
else
    echo "train_gpu.sh: no CUDA device; running the CPU fallback (tiny preset, no MFU)" >&2
    "$PY" benchmarks/gpu/train_gpu.py --presets tiny --seq-len 64 --micro-batch 2 --warmup 1 --steps 2 \
        --json "$OUT/train_gpu.json" "${EXTRA[@]}"
fi
