#!/usr/bin/env bash
# Creates .venv with Python 3.11 and installs requirements.txt. On a bare Debian 12, python3 -m venv
# needs the python3-venv package (ensurepip); install it when venv creation fails.
set -euo pipefail
PY=${PYTHON:-python3}
VENV=${1:-.venv}
# A venv made from another interpreter (e.g. before the Makefile chose the distribution's) is remade.
BASE=$("$PY" -c 'import os, sys; print(os.path.dirname(os.path.realpath(sys.executable)))')
if [ -f "$VENV/pyvenv.cfg" ] && ! grep -qx "home = $BASE" "$VENV/pyvenv.cfg"; then
  echo "setup: remaking $VENV for $BASE" >&2
  rm -rf "$VENV"
fi
if [ ! -x "$VENV/bin/python" ]; then
  if ! "$PY" -m venv "$VENV" 2>/dev/null; then
    rm -rf "$VENV"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    echo "setup: installing python3-venv" >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq python3-venv >/dev/null
    "$PY" -m venv "$VENV"
  fi
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check -r requirements.txt
