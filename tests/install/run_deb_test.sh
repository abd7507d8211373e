#!/usr/bin/env bash
# Builds the Debian package from BUILD_DIR (cpack -G DEB), checks it with lintian (no errors), installs it with
# apt-get, runs `w2v2 transcribe /usr/share/w2v2/samples` from PATH without --model (outside the source tree),
# checks the transcripts against the build's own, and removes the package again with its configuration (apt-get
# purge: after a plain remove, dpkg keeps a package with maintainer scripts as "rc"), leaving the machine as it
# was. Needs root; exits 77 (skipped) without it, or when a w2v2 package is installed already.
#
#   tests/install/run_deb_test.sh BUILD_DIR
set -euo pipefail
SOURCE_DIR=$(cd "$(dirname "$0")/../.." && pwd)
BUILD_DIR=$(cd "$1" && pwd)
if [[ $(id -u) -ne 0 ]]; then echo "skipped: installing a package needs root" >&2; exit 77; fi
if dpkg-query -W -f='${Status}' w2v2 2>/dev/null | grep -q "install ok installed"; then
  echo "skipped: a w2v2 package is installed on this machine already; not touching it" >&2
  exit 77
fi
# What an older version of this test left: w2v2 removed but not purged (state "rc", no files but its configuration).
if dpkg-query -W -f='${Status}' w2v2 2>/dev/null | grep -q "config-files"; then
  echo "purging what an earlier apt-get remove left of w2v2 (state rc)"
  dpkg --purge w2v2 >/dev/null
fi
for tool in cpack lintian apt-get dpkg-deb; do
  command -v $tool >/dev/null || { echo "skipped: no $tool (scripts/setup.sh installs it)" >&2; exit 77; }
done
work=$(mktemp -d)
installed=0
cleanup() {
  if [[ $installed -eq 1 ]]; then DEBIAN_FRONTEND=noninteractive apt-get purge -y -q w2v2 >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

(cd "$BUILD_DIR" && cpack -G DEB -B "$work/packages" >/dev/null)
deb=$(ls "$work"/packages/w2v2_*_amd64.deb)
echo "package: $(basename "$deb"), $(stat -c %s "$deb") bytes"
dpkg-deb -f "$deb" Depends
if dpkg-deb -f "$deb" Depends | grep -q -- '-dev\b'; then echo "Depends names a -dev package" >&2; exit 1; fi
# lintian refuses nothing as root but says so; its errors fail the test, its warnings are printed.
lintian --fail-on error "$deb" 2>&1 | grep -v "running with root privileges" || [[ ${PIPESTATUS[0]} -eq 0 ]]
[[ -n $(dpkg-deb -c "$deb" | grep ' ./usr/share/man/man1/w2v2.1.gz$') ]] || { echo "no man page" >&2; exit 1; }

# Every package dpkg knows, with its state: one left as "rc" (removed, configuration kept) is a difference too.
before=$(dpkg-query -W -f='${Package} ${Status}\n' | sort | md5sum)
installed=1
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb" >/dev/null
cd "$work"
unset W2V2_MODEL
[[ $(command -v w2v2) == /usr/bin/w2v2 ]] || { echo "w2v2 is not on PATH from the package" >&2; exit 1; }
w2v2 transcribe /usr/share/w2v2/samples -q > package.txt
"$BUILD_DIR/w2v2" transcribe /usr/share/w2v2/samples --model "$SOURCE_DIR/models/default" -q > build.txt
diff build.txt package.txt >&2
echo "installed package: $(wc -l < package.txt) transcripts from PATH without --model, the same as the build's"
man -w w2v2 >/dev/null 2>&1 || [[ -f /usr/share/man/man1/w2v2.1.gz ]]
pkg-config --exists w2v2 2>/dev/null || PKG_CONFIG_PATH=/usr/lib/pkgconfig pkg-config --exists w2v2

DEBIAN_FRONTEND=noninteractive apt-get purge -y -q w2v2 >/dev/null
installed=0
if [[ -e /usr/bin/w2v2 || -e /usr/lib/libw2v2.so.0 || -d /usr/share/w2v2 ]]; then
  echo "files left behind after apt-get purge" >&2
  exit 1
fi
after=$(dpkg-query -W -f='${Package} ${Status}\n' | sort | md5sum)
[[ $before == "$after" ]] || { echo "the installed packages differ from before" >&2; exit 1; }
echo "removed: the machine's packages are as before"
