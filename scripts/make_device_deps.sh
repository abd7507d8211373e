#!/usr/bin/env bash
# Prepares .devdeps/ (ignored by git) for scripts/device_check.sh on a GPU machine where nothing can be
# installed: Debian 12's headers, CMake configs and shared libraries of our non-torch dependencies, unpacked
# from their .deb packages (apt-get download), and the wav2vec2-base and lv60-large configs from ../shared/data.
#   scripts/make_device_deps.sh        (then pass .devdeps as a carried path of the device tool)
set -euo pipefail
cd "$(dirname "$0")/.."
grep -qx '/.devdeps/' .git/info/exclude 2>/dev/null || echo '/.devdeps/' >> .git/info/exclude
rm -rf .devdeps && mkdir -p .devdeps/debs .devdeps/root .devdeps/hf
(cd .devdeps/debs && apt-get download \
  libsndfile1-dev libsndfile1 libflac12 libvorbis0a libvorbisenc2 libogg0 libopus0 libmpg123-0 libmp3lame0 \
  libsoxr-dev libsoxr0 libsoxr-lsr0 libspdlog-dev libspdlog1.10 libfmt-dev libfmt9 nlohmann-json3-dev \
  libcli11-dev libgtest-dev libgmock-dev libsentencepiece-dev libsentencepiece0)
for f in .devdeps/debs/*.deb; do dpkg -x "$f" .devdeps/root; done
rm -rf .devdeps/debs .devdeps/root/usr/share/doc .devdeps/root/usr/share/man .devdeps/root/usr/share/lintian
for name in wav2vec2-base-960h wav2vec2-large-960h-lv60-self; do
  shared=../shared/data/hf-configs/$name
  if [ -d "$shared" ]; then
    cp -r "$shared" .devdeps/hf/
  else
    echo "warning: $shared is missing: device_check.sh will skip the $name benchmark" >&2
  fi
done
du -sh .devdeps
