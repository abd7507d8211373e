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
  zlib1g-dev                                       # gzip'ed ARPA language models
  libdnnl-dev                                      # oneDNN: int8 matrix products (--precision int8)
  libavformat-dev libavcodec-dev libavutil-dev     # FFmpeg: M4A/AAC, MP4/MOV/MKV/WebM audio and more
  ffmpeg                                           # the FFmpeg CLI: test fixtures in those formats
  python3-torch python3-torchaudio python3-numpy   # reference implementation for fixtures and baselines
  python3-soundfile                                # scripts/bench_baseline.py reads audio as a Python user would
  python3-matplotlib                               # scripts/plot_timeline.py
  sox espeak-ng fortunes                           # synthetic speech and audio conversion
  sctk                                             # NIST sclite: the oracle of the scoring tests
  irstlm                                           # n-gram LMs: the oracle of the LM perplexity test
  wamerican                                        # an English word list: the lexicon end-to-end test
  help2man dpkg-dev lintian                        # the Debian package: man page, Depends, its check
)

SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo -n"   # never wait for a password (CI)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  $SUDO apt-get update -q
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Debian's reference BLAS makes the model ~30x slower; libopenblas0-openmp must be the active alternative
# (the OpenMP build: its threads are the ones --threads sets; the pthread build keeps a pool of its own).
group="libblas.so.3-$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -dumpmachine)"
blas=$(update-alternatives --query "$group" 2>/dev/null | awk '/^Value:/{print $2}' || true)
case "$blas" in
  *openblas-openmp*) echo "setup: BLAS is $blas" >&2 ;;
  *)
    echo "setup: switching libblas.so.3 to OpenBLAS/OpenMP (was: ${blas:-none})" >&2
    target=$(update-alternatives --list "$group" 2>/dev/null | grep openblas-openmp | head -1 || true)
    [ -n "$target" ] || { echo "setup: OpenBLAS (libopenblas0-openmp) is not installed as $group" >&2; exit 1; }
    $SUDO update-alternatives --set "$group" "$target"
    ;;
esac

BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" "$@" >&2
cmake --build "$BUILD_DIR" -j "$(nproc)" >&2
echo "setup: built $BUILD_DIR/w2v2" >&2
