#!/bin/sh
# Rebuild layout/photo/icc/IFRA26S.icc from the CC0 IFRA26S characterization with ArgyllCMS.
# Ink limits follow colord's build of the same data: total 230 %, black 95 %.
# Usage: tools/build_icc.sh [path/to/IFRA26S.ti3]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
ti3=${1:-/work/shared/data/icc/IFRA26S.ti3}
command -v colprof >/dev/null || { echo "colprof not found (apt-get install argyll)" >&2; exit 2; }
[ -r "$ti3" ] || { echo "$ti3: characterization data not readable" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$ti3" "$work/IFRA26S.ti3"
# -qm medium quality, -kr GCR "ramp" black generation, -l/-L total and black ink limits.
# -A/-M/-C fix the header and copyright text so the profile does not carry a host-specific blurb.
(cd "$work" && colprof -v -qm -kr -l230 -L95 \
    -D "IFRA26S newsprint (coldset, ISO 12647-3:2004, TAC 230%)" \
    -C "CC0: built from public-domain Ifra 2004 newsprint data (colord IFRA26S)" \
    IFRA26S)
mkdir -p "$here/layout/photo/icc"
cp "$work/IFRA26S.icc" "$here/layout/photo/icc/IFRA26S.icc.tmp"
mv "$here/layout/photo/icc/IFRA26S.icc.tmp" "$here/layout/photo/icc/IFRA26S.icc"
echo "wrote $here/layout/photo/icc/IFRA26S.icc"
