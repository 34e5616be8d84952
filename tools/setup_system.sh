#!/usr/bin/env bash
# Installs the Debian packages the project needs (fonts, PDF tools) when any is missing.
# Run by `make` as part of set-up; needs root (or sudo) only when something is missing.
set -euo pipefail
# fonts-hanazono and fonts-babelstone-han: the catalog's rare-Han fallbacks (Ext B–H; layout/fonts/README.md).
# chromium and chromium-driver: the proof desk's tests (tests/test_desk_browser.py) drive a real browser.
PKGS=(fonts-noto-cjk fonts-noto-cjk-extra fonts-lxgw-wenkai fonts-hanazono fonts-babelstone-han poppler-utils qpdf
      chromium chromium-driver)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "setup: installing Debian packages: ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root to apt-get install ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
