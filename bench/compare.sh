#!/usr/bin/env bash
# Ours vs the PyTorch peer (../shared/peer/pccl_step_torch.py) on the same UNIV pre-training step,
# same size, batch and threads, one after the other (never concurrently: 2 cores). Prints one table.
# usage: bench/compare.sh [--sizes "112 224"] [--batch 16] [--threads 2] [--steps 20]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
sizes="112 224"; batch=16; threads=2; steps=20
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2;; --batch) batch="$2"; shift 2;;
    --threads) threads="$2"; shift 2;; --steps) steps="$2"; shift 2;;
    *) echo "unknown option $1" >&2; exit 2;;
  esac
done
shared="${UNIV_SHARED:-$here/../shared}"
peer="$shared/peer/pccl_step_torch.py"
[ -f "$peer" ] || { echo "peer script not found at $peer (set UNIV_SHARED)" >&2; exit 1; }
if ! python3 -c 'import torch' 2>/dev/null && ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "installing Debian's python3-torch for the peer…" >&2
  (apt-get update -qq && apt-get install -y -qq python3-torch) >&2 || { echo "could not install python3-torch" >&2; exit 1; }
fi
py=python3; [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import torch' 2>/dev/null && py=/usr/bin/python3
# Debian's torch links the system BLAS: without OpenBLAS it falls back to the reference BLAS (~13x slower),
# which would make the comparison meaningless; the peer's own docstring assumes OpenBLAS.
if [ ! -e /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ]; then
  echo "installing OpenBLAS for the peer…" >&2
  (apt-get update -qq && apt-get install -y -qq libopenblas0-pthread) >&2 || { echo "could not install OpenBLAS" >&2; exit 1; }
fi

printf "%-6s %-6s %-8s %-14s %-14s %-8s\n" size batch threads "ours pairs/s" "peer pairs/s" ratio
for s in $sizes; do
  ours=$("$here/univ" bench step --size "$s" --batch "$batch" --threads "$threads" --steps "$steps" --json 2>/dev/null | tail -1)
  theirs=$(OPENBLAS_NUM_THREADS=1 "$py" "$peer" --size "$s" --batch "$batch" --threads "$threads" --steps "$steps" 2>/dev/null | tail -1)
  python3 - "$ours" "$theirs" <<'PY'
import json, sys
o, p = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print(f"{o['size']:<6} {o['batch']:<6} {o['threads']:<8} {o['pairs_per_s']:<14.2f} {p['pairs_per_s']:<14.2f} {o['pairs_per_s']/p['pairs_per_s']:.2f}")
PY
done
