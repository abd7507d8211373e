#!/usr/bin/env bash
# Installs what w2v2 needs on Debian 12 (idempotent), checks that OpenBLAS is the active BLAS,
# then configures and builds into build/. Usage: scripts/setup.sh [extra cmake args]
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(
  g++ cmake ninja-build pkg-config git
  libtorch-dev libopenblas0-openmp
  libsndfile1-dev libsoxr-dev libsentencepiece-dev libcli11-dev libspdlog-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev
  python3-torch python3-torchaudio python3-numpy   # reference implementation for fixtures and baselines
  python3-soundfile                                # scripts/bench_baseline.py reads audio as a Python user would
  python3-matplotlib                               # scripts/plot_timeline.py
  sox espeak-ng fortunes                           # synthetic speech and audio conversion
  sctk                                             # NIST sclite: the oracle of the scoring tests
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Debian's reference BLAS makes the model ~30x slower; libopenblas0-openmp must be the active alternative.
blas=$(update-alternatives --query libblas.so.3-x86_64-linux-gnu 2>/dev/null | awk '/^Value:/{print $2}')
case "$blas" in
  *openblas*) echo "setup: BLAS is $blas" >&2 ;;
  *)
    echo "setup: switching libblas.so.3 to OpenBLAS (was: ${blas:-none})" >&2
    target=$(update-alternatives --list libblas.so.3-x86_64-linux-gnu | grep openblas-openmp | head -1)
    [ -n "$target" ] || { echo "setup: OpenBLAS (libopenblas0-openmp) is not installed" >&2; exit 1; }
    update-alternatives --set libblas.so.3-x86_64-linux-gnu "$target"
    ;;
esac

BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" "$@" >&2
cmake --build "$BUILD_DIR" -j "$(nproc)" >&2
echo "setup: built $BUILD_DIR/w2v2" >&2
