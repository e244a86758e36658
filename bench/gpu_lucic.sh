#!/usr/bin/env bash
# Lucic et al.'s Fashion-MNIST protocol at the paper's per-trial budget, on one GPU, in one
# call of at most about 8 minutes:
#   1. the real Fashion-MNIST, carried in and checked against the release's digest;
#   2. how many trials share the card best: 4, 8 and 12 InfoGAN-style trials at once, 20 s
#      each (bench/gpu_probe.py); the study runs at the concurrency with the most images/s;
#   3. the seven Lucic losses on the InfoGAN-style net at the paper's width, settings drawn
#      from the lucic2018-fashion ranges (as many per loss as the time allows), each trial
#      trained to the paper's budget under FIFO: 15,625 discriminator steps of 64 images
#      (Lucic et al. 2018, Section 5: 1,000,000 images; 10 iterations of 100,000), FID of
#      10,000 samples on fmnist-cnn features after every iteration;
#   4. the report (results.parquet, the Lucic table beside the real-vs-real floor and the
#      Spearman with the paper), and the run as a search-efficiency pool (curves at every
#      iteration, its evaluation noise), all under $OUT.
#
# On the device machine (the data travels as an ignored path named in `carry`):
#   mkdir -p gpu-carry && cp ../shared/data/fashion_mnist.npz gpu-carry/
#   run: OUT=$OUT bash bench/gpu_lucic.sh        carry: [".venv", "gpu-carry"]
# A dry run of the same script on a CPU (tiny nets, a few hundred images, one setting per
# loss), which tests/test_gpu_script.py runs:
#   QUICK=1 OUT=/tmp/out bash bench/gpu_lucic.sh
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-$( [ -x .venv/bin/python ] && echo .venv/bin/python || echo python3 )}
OUT=${OUT:-$(mktemp -d)}
DATA=${FASHION_MNIST_NPZ:-gpu-carry/fashion_mnist.npz}
DIGEST=756027fa43e38cfe69ff42f1c29864d42708baa121c11d623f05dd119b1704e5  # the keras npz
export RAY_USAGE_STATS_ENABLED=0 PYTHONUNBUFFERED=1 GANTUNE_DATA=${GANTUNE_DATA:-$OUT/cache}
mkdir -p "$OUT"
exec > >(tee "$OUT/gpu_lucic.txt") 2>&1
started=$(date +%s)
elapsed() { echo $(( $(date +%s) - started )); }

if [ -n "${QUICK:-}" ]; then  # the dry run: CPU, tiny nets, a few hundred images
  DEVICE=cpu WIDTH=0.125 ITERS=2 IMAGES=128 EVAL=200 CONCURRENCY=1,2 PROBE_S=3 BUDGET_S=240
  PER_LOSS=1 GPU_SHARE=0
else
  DEVICE=cuda WIDTH=1.0 ITERS=10 IMAGES=100000 EVAL=10000 CONCURRENCY=4,8,12 PROBE_S=20
  BUDGET_S=${BUDGET_S:-470} PER_LOSS="" GPU_SHARE=1
fi

echo "== the data"
if [ -f "$DATA" ]; then
  found=$(sha256sum "$DATA" | cut -d' ' -f1)
  [ "$found" = "$DIGEST" ] || { echo "$DATA: sha256 $found, not the release's $DIGEST"; exit 1; }
  export GANTUNE_FASHION_MNIST=$DATA
  echo "$DATA: the release (sha256 $DIGEST)"
elif [ -n "${QUICK:-}" ]; then
  echo "no $DATA: the dry run uses the data layer's own sources"
else
  echo "no Fashion-MNIST at $DATA: copy ../shared/data/fashion_mnist.npz there and carry it"
  exit 1
fi

echo "== the machine"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version \
  --format=csv,noheader || echo "no nvidia-smi"
"$PY" -c "import torch; print('torch', torch.__version__, 'cuda', torch.cuda.is_available(),
  torch.cuda.get_device_name(0) if torch.cuda.is_available() else '')"

echo "== how many trials share the card best ($(elapsed) s)"
"$PY" bench/gpu_probe.py --concurrency "$CONCURRENCY" --seconds "$PROBE_S" \
  --device "$DEVICE" --width "$WIDTH" --json "$OUT/probe.json"
read -r AT_ONCE TOTAL < <("$PY" -c "
import json; p = json.load(open('$OUT/probe.json'))
print(p['chosen'], p['by_concurrency'][str(p['chosen'])]['total'])")

echo "== the study ($(elapsed) s)"
PER_TRIAL=$(( ITERS * IMAGES ))
LEFT=$(( BUDGET_S - $(elapsed) - 60 ))  # a minute for the report and the pool's noise
if [ -z "$PER_LOSS" ]; then  # as many settings per loss as the time allows
  PER_LOSS=$("$PY" -c "print(max(1, int($TOTAL * 0.8 * $LEFT / $PER_TRIAL) // 7))")
fi
SHARE=$("$PY" -c "print(round(1 / $AT_ONCE, 4) if $GPU_SHARE else 0)")
echo "$AT_ONCE trials at once ($SHARE GPU each, $(printf %.0f "$TOTAL") images/s in all);" \
  "$PER_LOSS setting(s) per loss; $PER_TRIAL images per trial; $LEFT s for the study"
set +e
timeout "$LEFT" "$PY" -m gantune.search.cli search --study lucic2018-fashion --name lucic-gpu \
  -s scheduler.kind=fifo -s scheduler.max_t="$ITERS" -s images_per_iter="$IMAGES" \
  -s eval_samples="$EVAL" -s num_samples=$(( 7 * PER_LOSS )) -s "fixed={width: $WIDTH}" \
  --max-concurrent "$AT_ONCE" --gpus-per-trial "$SHARE" --cpus-per-trial 1 \
  --storage-path "$OUT/results"
status=$?
set -e
[ $status -eq 124 ] && echo "the study reached its time limit: unfinished trials are not in the pool"
experiment=$(ls -d "$OUT"/results/lucic-gpu-* | tail -1)

echo "== the report and the pool ($(elapsed) s)"
"$PY" -m gantune.search.cli report "$experiment" -o "$OUT/report.html"
"$PY" bench/record_pool.py lucic-gpu "$experiment" --noise-seeds 5 --out "$OUT" --full-only
"$PY" bench/search_efficiency.py --lucic "$OUT/lucic-gpu.parquet"
echo "wall time: $(elapsed) s; concurrency $AT_ONCE; outputs in $OUT"
