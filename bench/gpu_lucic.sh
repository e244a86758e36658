#!/usr/bin/env bash
# Lucic et al.'s Fashion-MNIST protocol at the paper's per-trial budget, on one GPU, in one
# call of at most about 8 minutes:
#   1. the real Fashion-MNIST, carried in and checked against the release's digest;
#   2. how many trials share the card best: 4, 8 and 12 InfoGAN-style trials at once, 15 s
#      each (bench/gpu_probe.py); the study runs at the concurrency with the most images/s;
#   3. the seven Lucic losses on the InfoGAN-style net at the paper's width, settings drawn
#      from the lucic2018-fashion ranges (as many per loss as the time allows), each trial
#      trained to the paper's budget under FIFO: 15,625 discriminator steps of 64 images
#      (Lucic et al. 2018, Section 5: 1,000,000 images; 10 iterations of 100,000), FID of
#      10,000 samples on fmnist-cnn features after every iteration;
#   4. the run as a search-efficiency pool (curves at every iteration, its evaluation
#      noise) and the experiment without its checkpoints, all under $OUT.
#
# The device machine has PyTorch, pandas and pyarrow but not Ray or Optuna, and Ray's wheel
# alone is more than the 64 MiB that may travel; so the settings are drawn here
# (--prepare, with Optuna, as `gantune search` draws them) and trained there by
# bench/gpu_trials.py, several processes sharing the card. Three steps:
#   here:   bash bench/gpu_lucic.sh --prepare        (the data and the settings: gpu-carry/)
#   device: OUT=$OUT bash bench/gpu_lucic.sh          carry: ["gpu-carry"]
#   here:   bash bench/gpu_lucic.sh --report OUTDIR  (the report, the Spearman, the bench)
# A dry run of all three on a CPU (tiny nets, a few hundred images, one setting per loss),
# which tests/test_gpu_script.py runs:
#   QUICK=1 OUT=/tmp/out bash bench/gpu_lucic.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}
CARRY=${CARRY:-gpu-carry}
DIGEST=756027fa43e38cfe69ff42f1c29864d42708baa121c11d623f05dd119b1704e5  # the keras npz
export RAY_USAGE_STATS_ENABLED=0 PYTHONUNBUFFERED=1
started=$(date +%s)
elapsed() { echo $(( $(date +%s) - started )); }

if [ -n "${QUICK:-}" ]; then  # the dry run: CPU, tiny nets, a few hundred images
  DEVICE=cpu WIDTH=0.125 ITERS=2 IMAGES=128 EVAL=200 CONCURRENCY=1,2 PROBE_S=3 BUDGET_S=240
  PER_LOSS=1 DRAWN=7
else
  DEVICE=cuda WIDTH=1.0 ITERS=10 IMAGES=100000 EVAL=10000 CONCURRENCY=4,8,12 PROBE_S=15
  BUDGET_S=${BUDGET_S:-480} PER_LOSS="" DRAWN=420
fi

prepare() {  # here: the data and the settings, into the carried folder
  mkdir -p "$CARRY"
  local source=${FASHION_MNIST_NPZ:-../shared/data/fashion_mnist.npz}
  if [ ! -f "$CARRY/fashion_mnist.npz" ] && [ -f "$source" ]; then cp "$source" "$CARRY/"; fi
  rm -rf "$CARRY/plan"
  "$PY" bench/gpu_trials.py draw "$CARRY/plan" --study lucic2018-fashion --count "$DRAWN" \
    -s name=lucic-gpu -s scheduler.kind=fifo -s scheduler.max_t="$ITERS" \
    -s images_per_iter="$IMAGES" -s eval_samples="$EVAL" -s "fixed={width: $WIDTH}" \
    -s max_concurrent_trials=12
  du -sh "$CARRY"
}

report() {  # here: the experiment back from the device, its report and the bench's verdict
  local out=$1
  rm -rf "$out/experiment" && mkdir -p "$out/experiment"
  tar xzf "$out/lucic-gpu-experiment.tar.gz" -C "$out/experiment"
  "$PY" -m gantune.search.cli report "$out/experiment/lucic-gpu" -o "$out/report.html"
  cp "$out/experiment/lucic-gpu/results.parquet" "$out/results.parquet" 2>/dev/null || true
  "$PY" bench/search_efficiency.py --lucic "$out/lucic-gpu.parquet"
}

if [ "${1:-}" = "--prepare" ]; then prepare; exit 0; fi
if [ "${1:-}" = "--report" ]; then report "$2" 2>&1 | tee "$2/report.txt"; exit 0; fi

OUT=${OUT:-$(mktemp -d)}
WORK=${WORK:-$(mktemp -d)}  # checkpoints stay out of $OUT: only what is small comes back
export GANTUNE_DATA=${GANTUNE_DATA:-$WORK/cache}
mkdir -p "$OUT"
exec > >(tee "$OUT/gpu_lucic.txt") 2>&1

if [ -n "${QUICK:-}" ]; then  # the dry run draws its own settings, unless given them
  CARRY=${QUICK_CARRY:-$WORK/carry}
  [ -f "$CARRY/plan/configs.json" ] || prepare
fi
if ! "$PY" -c "import gantune.trainables" 2>/dev/null; then  # not installed there: by path
  mkdir -p "$WORK/path/gantune"
  for part in search spaces trainables analysis; do ln -s "$PWD/$part" "$WORK/path/gantune/$part"; done
  export PYTHONPATH="$WORK/path${PYTHONPATH:+:$PYTHONPATH}"
fi

echo "== the data"
DATA=$CARRY/fashion_mnist.npz
if [ -f "$DATA" ]; then
  found=$(sha256sum "$DATA" | cut -d' ' -f1)
  [ "$found" = "$DIGEST" ] || { echo "$DATA: sha256 $found, not the release's $DIGEST"; exit 1; }
  export GANTUNE_FASHION_MNIST=$DATA
  echo "$DATA: the release (sha256 $DIGEST)"
elif [ -n "${QUICK:-}" ]; then
  echo "no $DATA: the dry run uses the data layer's own sources"
else
  echo "no Fashion-MNIST at $DATA: run 'bash bench/gpu_lucic.sh --prepare' and carry $CARRY"
  exit 1
fi
[ -f "$CARRY/plan/configs.json" ] || { echo "no settings in $CARRY/plan: --prepare first"; exit 1; }

echo "== the machine"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version \
  --format=csv,noheader || echo "no nvidia-smi"
"$PY" -c "import sys, torch; print('python', sys.version.split()[0], 'torch', torch.__version__,
  'cuda', torch.cuda.is_available(), torch.cuda.get_device_name(0) if torch.cuda.is_available() else '')"

echo "== how many trials share the card best ($(elapsed) s)"
"$PY" bench/gpu_probe.py --concurrency "$CONCURRENCY" --seconds "$PROBE_S" \
  --device "$DEVICE" --width "$WIDTH" --json "$OUT/probe.json"
read -r AT_ONCE TOTAL < <("$PY" -c "
import json; p = json.load(open('$OUT/probe.json'))
print(p['chosen'], p['by_concurrency'][str(p['chosen'])]['total'])")

echo "== the study ($(elapsed) s)"
PER_TRIAL=$(( ITERS * IMAGES ))
LEFT=$(( BUDGET_S - $(elapsed) - 45 ))  # the pool's noise and the packing after it
if [ -z "$PER_LOSS" ]; then  # as many settings per loss as the time allows (0.7: the FIDs)
  PER_LOSS=$("$PY" -c "print(max(1, int($TOTAL * 0.7 * $LEFT / $PER_TRIAL) // 7))")
fi
echo "$AT_ONCE trials at once ($(printf %.0f "$TOTAL") images/s in all in the probe);" \
  "$PER_LOSS setting(s) per loss; $PER_TRIAL images per trial; $LEFT s for the study"
experiment=$WORK/lucic-gpu
rm -rf "$experiment" && cp -r "$CARRY/plan" "$experiment"
"$PY" bench/gpu_trials.py run "$experiment" --count $(( 7 * PER_LOSS )) \
  --at-once "$AT_ONCE" --seconds "$LEFT" --device "$DEVICE" || echo "no trial reached max_t"

echo "== the pool and its noise ($(elapsed) s)"
"$PY" bench/record_pool.py lucic-gpu "$experiment" --noise-seeds 5 --out "$OUT" --full-only
tar czf "$OUT/lucic-gpu-experiment.tar.gz" --exclude='checkpoint_*' --exclude='.checkpoint-*' \
  -C "$WORK" lucic-gpu
echo "wall time: $(elapsed) s; concurrency $AT_ONCE; outputs in $OUT"
if "$PY" -c "import plotly" 2>/dev/null; then
  report "$OUT"
else  # the device machine has no Plotly: the report is made where the outputs land
  echo "the report: bash bench/gpu_lucic.sh --report DIR, DIR holding these outputs"
fi
