#!/usr/bin/env bash
# Install the Debian packages salesdocs needs, only those missing; sudo when not root.
#   fonts-noto-cjk          Noto Sans/Serif CJK SC, the documents' fonts
#   libharfbuzz-subset0     font subsetting (without it WeasyPrint falls back to fontTools: 10 s/doc)
#   libpango-1.0-0, libpangoft2-1.0-0   WeasyPrint's text layout
#   poppler-utils, qpdf     pdftotext/pdftoppm/pdffonts and qpdf --check (tests, looking at PDFs)
#   python3-venv            `python3 -m venv` on Debian's own Python
set -euo pipefail
pkgs=(fonts-noto-cjk libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils qpdf)
python3 -c "import ensurepip, venv" 2>/dev/null || pkgs+=(python3-venv)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
