#!/usr/bin/env bash
# Writes w2v2's man page (gzip'ed, reproducible) from its --help texts with help2man: the top-level help, then
# one section per subcommand.
#
#   scripts/make_man_page.sh W2V2_BINARY OUT.1.gz
set -euo pipefail
binary=$1
out=$2
include=$(mktemp)
page=$(mktemp)
trap 'rm -f "$include" "$page"' EXIT
{
  echo "[COMMANDS]"
  for command in transcribe eval score merge bench random-model lm-compile; do
    echo ".SS \"w2v2 $command\""
    echo ".nf"
    # Every line as text: a leading "." or "'" would be a roff request.
    "$binary" "$command" --help 2>&1 | sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/" | sed "s|$binary|w2v2|g"
    echo ".fi"
  done
  echo "[FILES]"
  echo "Without --model, the model is \$W2V2_MODEL, else models/default under the working folder, else"
  echo "/usr/share/w2v2/models/default. Demo recordings: /usr/share/w2v2/samples."
} > "$include"
help2man --no-info --no-discard-stderr --name "batch speech recognition with Wav2Vec2 (CTC) models" \
  --version-string "$("$binary" --version | cut -d' ' -f1)" --include "$include" --output "$page" "$binary"
sed -i "s|$binary|w2v2|g" "$page"
gzip -9n -c "$page" > "$out"
