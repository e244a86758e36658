#!/usr/bin/env bash
# The checks gantune needs a CUDA GPU for, in one script that runs in under 10 minutes:
#   1. the GAN step benchmark on CUDA (ours vs the PyTorch DCGAN example loop, with one
#      ablation line per optimisation) and the step with bf16 autocast + channels-last
#      against fp32;
#   2. FID of 10,000 images on the GPU;
#   3. a 4-trial search with 0.25 GPU per trial (four trials share the card at once).
#
#   bash bench/gpu_check.sh            # on a machine with gantune installed and a GPU
#   DEVICE=cpu QUICK=1 bash bench/gpu_check.sh   # a dry run of the script on a CPU
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
DEVICE=${DEVICE:-cuda}
IMAGES=${IMAGES:-32000}
GPUS_PER_TRIAL=0.25
export RAY_USAGE_STATS_ENABLED=0 PYTHONUNBUFFERED=1
if [ -n "${QUICK:-}" ]; then IMAGES=640; GPUS_PER_TRIAL=0; fi
results=${GPU_CHECK_RESULTS:-$(mktemp -d)}

command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version \
  --format=csv,noheader
"$PY" -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available())"

echo "== 1. GAN step (batch 64, NS loss), fp32 and bf16 autocast + channels-last"
"$PY" bench/gan_step.py --device "$DEVICE" --images "$IMAGES" --repeats 3 \
  --nets mlp,infogan,dcgan --bf16

echo "== 2. FID of 10,000 images"
"$PY" bench/fid_speed.py --device "$DEVICE" --repeats 5

echo "== 3. a 4-trial search, $GPUS_PER_TRIAL GPU per trial"
started=$(date +%s)
if ! "$PY" -m gantune.search.cli search --study fashion-gan-mini --name gpu-check \
  -s num_samples=4 -s scheduler.max_t=2 -s images_per_iter="$((IMAGES * 2))" \
  --gpus-per-trial "$GPUS_PER_TRIAL" --max-concurrent 4 --cpus-per-trial 1 \
  --storage-path "$results" >"$results/search.log" 2>&1; then
  tail -30 "$results/search.log"; exit 1
fi
grep -E "^study |best trial|trials,|results:" "$results/search.log"
echo "most trials running at once: $(grep -oE '[0-9]+ running' "$results/search.log" \
  | sort -n | tail -1)"
echo "search wall time: $(( $(date +%s) - started )) s"
cat "$results"/gpu-check-*/trial_*/result.json | "$PY" -c "
import json, sys
rows = [json.loads(line) for line in sys.stdin if line.strip()]
print(f'{len(rows)} trial iterations; images/s per trial while sharing the GPU:',
      ', '.join(f\"{r['images_per_second']:.0f}\" for r in rows))"
