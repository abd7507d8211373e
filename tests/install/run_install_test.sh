#!/usr/bin/env bash
# Installs w2v2 from BUILD_DIR into a temporary prefix (cmake --install), then uses it as an outside project
# would: a C++ program built with find_package(w2v2), a C program built with pkg-config, and the README's Python
# ctypes example. Each transcribes the installed demo samples with the installed default model (found without
# --model, from where the program or library was installed) and must print what `w2v2 transcribe` prints.
#
#   tests/install/run_install_test.sh BUILD_DIR
set -euo pipefail
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=$(cd "$1" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
cmake --install "$BUILD_DIR" --prefix "$prefix" >/dev/null
pc=$(find "$prefix" -name w2v2.pc)
libdir=$(dirname "$(find "$prefix" -name 'libw2v2.so.*' | head -1)")
echo "installed: $(cd "$prefix" && find . -type f | grep -v '/models/\|/samples/' | sort | tr '\n' ' ')"

cmake -S "$SOURCE_DIR/tests/install" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/build" >/dev/null
export PKG_CONFIG_PATH=$(dirname "$pc")
cc -std=c99 -Wall -Werror "$SOURCE_DIR/tests/install/c_client.c" $(pkg-config --cflags --libs w2v2) -o "$work/c_client"

# Away from the source tree, without W2V2_MODEL: the default model is the installed one.
cd "$work"
unset W2V2_MODEL
samples=("$prefix"/share/w2v2/samples/*.wav "$prefix"/share/w2v2/samples/*.flac)
"$prefix/bin/w2v2" transcribe "${samples[@]}" -q > expected.txt
"$work/build/cpp_client" "${samples[@]}" > cpp.txt
LD_LIBRARY_PATH=$libdir "$work/c_client" "${samples[@]}" > c.txt
# The README's ctypes example, as written there (between its marker and the closing fence).
awk '/<!-- ctypes example/ {on = 1; next} on && /^```python/ {next} on && /^```/ {exit} on {print}' \
  "$SOURCE_DIR/README.md" > example.py
[[ -s example.py ]] || { echo "no ctypes example found in README.md" >&2; exit 1; }
LD_LIBRARY_PATH=$libdir /usr/bin/python3 example.py "${samples[@]}" > python.txt
sort expected.txt > expected.sorted
status=0
for client in cpp c python; do
  if sort "$client.txt" | diff expected.sorted - >&2; then
    echo "$client: the same $(wc -l < "$client.txt") transcripts as w2v2 transcribe"
  else
    echo "$client: differs from w2v2 transcribe (above)" >&2
    status=1
  fi
done
[[ $(wc -l < expected.txt) -ge 5 ]] || { echo "too few transcripts" >&2; status=1; }
exit $status
