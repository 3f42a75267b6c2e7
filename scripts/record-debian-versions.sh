#!/usr/bin/env bash
# Rewrite debian-versions.txt from the Debian packages installed on this machine: the packages whose
# version can change the bytes of a PDF. scripts/install-system.sh installs these versions when it has
# to install a package, and warns whenever the installed ones differ. README: Updating dependencies.
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=(
  fonts-noto-cjk        # the documents' fonts; the subset embedded in every PDF comes from these files
  libharfbuzz0b         # shaping: which glyphs, at which positions
  libharfbuzz-subset0   # font subsetting: the bytes of the embedded fonts
  libpango-1.0-0        # text layout (line breaks, glyph runs)
  libpangoft2-1.0-0     # pango's FreeType/fontconfig backend
  libfontconfig1        # font matching: which file "Noto Sans CJK SC" resolves to
  fontconfig-config     # fontconfig's configuration (aliases, hinting defaults)
  libfreetype6          # glyph metrics
  zlib1g                # Python's zlib compresses the PDF streams
  redis-server          # the task queue of build --queue (not the PDFs' bytes: pinned so every machine runs the same)
)
. /etc/os-release
{
  echo "# Debian package versions the PDFs depend on: package=version, from dpkg-query -W."
  echo "# release: ${VERSION_CODENAME:-unknown} (${PRETTY_NAME:-?}), $(dpkg --print-architecture)"
  echo "# Written by scripts/record-debian-versions.sh; checked by scripts/install-system.sh (make install)."
  for p in "${pkgs[@]}"; do
    v=$(dpkg-query -W -f='${Version}\n' "$p" 2>/dev/null | head -n1)
    [ -n "$v" ] || { echo "$p is not installed: run scripts/install-system.sh first" >&2; exit 1; }
    echo "$p=$v"
  done
} >debian-versions.txt.new
mv debian-versions.txt.new debian-versions.txt
echo "debian-versions.txt updated: run make demo (compare the PDF hashes) and make test, then commit it"
