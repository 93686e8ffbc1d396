#!/usr/bin/env bash
# Idempotent install of what Heaters needs on Debian 12: apt packages when missing, then `npm ci`
# when node_modules does not match package-lock.json. Fast (no network) when everything is present.
set -euo pipefail
cd "$(dirname "$0")/.."

# chromium: browser tests (playwright-core drives Debian's build); postgresql: the chaos suite stops and
# restarts a real server; util-linux: setpriv/unshare; python3-pytest: the detector's unit tests.
APT_PACKAGES=(ffmpeg python3 python3-opencv python3-numpy python3-pytest yt-dlp chromium postgresql util-linux plasma-workspace-wallpapers mate-backgrounds)
command -v npm >/dev/null 2>&1 || APT_PACKAGES+=(nodejs npm)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing apt packages: ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm ci only when the lockfile changed since the last successful install.
stamp=node_modules/.heaters-lock.sha256
want=$(sha256sum package-lock.json package.json | sha256sum | cut -d' ' -f1)
if [ ! -x node_modules/.bin/node ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi

# Node 24 comes from the npm registry (devDependency `node`); the machine's node is left alone.
node_modules/.bin/node -e 'const [M,m]=process.versions.node.split(".").map(Number); if (M<22||(M===22&&m<18)) { console.error("setup: need Node >= 22.18 (type stripping without flags), got "+process.version); process.exit(1) }'
/usr/bin/python3 -c 'import cv2, numpy, yt_dlp' || { echo "setup: /usr/bin/python3 lacks cv2/numpy/yt_dlp" >&2; exit 1; }
