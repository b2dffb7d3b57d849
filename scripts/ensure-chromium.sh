#!/bin/sh
# Chromium for the HTML report's browser tests (tests/browser, driven by Playwright, which is
# told to use this browser and never downloads one), and a Chinese font so the page and its
# screenshots show Chinese text, not empty boxes. Installs Debian's chromium and
# fonts-wqy-microhei when missing; needs root (or sudo) then.
set -eu
need=""
[ -x /usr/bin/chromium ] || need="chromium"
if ! fc-list :lang=zh 2>/dev/null | grep -q .; then need="$need fonts-wqy-microhei"; fi
[ -n "$need" ] || exit 0
echo "ensure-chromium: installing$need (Debian) for the HTML report's browser tests" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
# shellcheck disable=SC2086  # $need is a list of package names
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $need >/dev/null
/usr/bin/chromium --version
