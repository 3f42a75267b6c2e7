#!/usr/bin/env bash
# Install the Debian packages salesdocs needs, only those missing; sudo when not root.
#   fonts-noto-cjk          Noto Sans/Serif CJK SC, the documents' fonts
#   fonts-noto-core         Noto Sans/Serif (Latin), the fonts of English text (documents in en and zh-en)
#   libharfbuzz-subset0     font subsetting (without it WeasyPrint falls back to fontTools: 10 s/doc)
#   libpango-1.0-0, libpangoft2-1.0-0   WeasyPrint's text layout
#   poppler-utils, qpdf     pdftotext/pdftoppm/pdffonts and qpdf --check (tests, looking at PDFs)
#   python3-venv            `python3 -m venv` on Debian's own Python
#   redis-server            the task queue of `build --queue` (tests start their own on a free port; they never use a
#                           system service the package may start)
#   chromium, chromium-driver   the headless browser of the preview's tests and benchmark (selenium drives
#                           /usr/bin/chromium through /usr/bin/chromedriver; nothing is downloaded)
#   postgresql              the records' PostgreSQL backend: the tests start a throwaway cluster of their own
#                           (as the postgres user, on a free loopback port) and never use Debian's
# debian-versions.txt records the versions of the packages the PDFs depend on. A missing one is installed
# at that version (apt-get install pkg=version) when the archive still has it; then the installed versions
# are compared with the file, and a difference is a warning, not a failure: a Debian security update may
# replace a version. Silent when everything is installed and matches.
set -euo pipefail
cd "$(dirname "$0")/.."
versions_file=debian-versions.txt
pkgs=(fonts-noto-cjk fonts-noto-core libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 poppler-utils qpdf)
pkgs+=(postgresql)
python3 -c "import ensurepip, venv" 2>/dev/null || pkgs+=(python3-venv)
pkgs+=(redis-server)
pkgs+=(chromium chromium-driver)

# the recorded versions, in file order, and the release they were recorded on
recorded=()
declare -A want=()
recorded_release=""
while IFS= read -r line || [ -n "$line" ]; do
  case $line in
    "# release: "*) recorded_release=${line#"# release: "} && recorded_release=${recorded_release%% *} ;;
    "" | "#"*) ;;
    *=*) recorded+=("${line%%=*}") && want[${line%%=*}]=${line#*=} ;;
    *) echo "$versions_file: cannot read line: $line" >&2 && exit 1 ;;
  esac
done <"$versions_file"
this_release=$(. /etc/os-release && echo "${VERSION_CODENAME:-unknown}")
same_release=false
[ "$this_release" = "$recorded_release" ] && same_release=true

declare -A have=()
read_installed() {
  have=()
  local name status version
  while IFS=$'\t' read -r name status version; do
    [[ $status == *" installed" ]] && have[$name]=$version
  done < <(dpkg-query -W -f='${Package}\t${Status}\t${Version}\n' "${pkgs[@]}" "${recorded[@]}" 2>/dev/null || true)
}
read_installed

missing=()
for p in "${pkgs[@]}" "${recorded[@]}"; do
  [ -n "${have[$p]:-}" ] || [[ " ${missing[*]} " == *" $p "* ]] || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  apt_install() { DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@"; }
  $sudo apt-get update -qq
  args=()
  for p in "${missing[@]}"; do
    v=${want[$p]:-}
    if [ -n "$v" ] && $same_release && apt-cache show "$p=$v" >/dev/null 2>&1; then
      args+=("$p=$v")
    else
      [ -z "$v" ] || ! $same_release || echo "warning: $p $v (debian-versions.txt) is no longer in the archive; installing the current one" >&2
      args+=("$p")
    fi
  done
  if ! apt_install "${args[@]}"; then
    echo "warning: apt-get could not install the recorded versions together; installing the current ones" >&2
    apt_install "${missing[@]}"
  fi
  read_installed
fi

# compare with debian-versions.txt: warn, never fail
if ! $same_release; then
  echo "warning: debian-versions.txt was recorded on Debian ${recorded_release:-?}, this machine runs ${this_release}:" \
    "PDFs made here may differ in bytes from those made there (README: Updating dependencies)" >&2
  exit 0
fi
differ=0
for p in "${recorded[@]}"; do
  found=${have[$p]:-not installed}
  if [ "$found" != "${want[$p]}" ]; then
    echo "warning: Debian package $p: expected ${want[$p]} (debian-versions.txt), found $found" >&2
    differ=1
  fi
done
if [ $differ -eq 1 ]; then
  echo "warning: PDFs made on this machine may differ in bytes from those of machines with the recorded versions" \
    "(a Debian security update can cause this; README: Updating dependencies)" >&2
fi
exit 0
