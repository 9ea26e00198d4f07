#!/usr/bin/env bash
# The Debian packages `npm test` needs beyond Node: git (pinned sources), unzip (package
# checks, as in the original checklist), chromium (the pages are tested in a real browser) and
# php-cli (signatures are checked with PHP's own sodium, as WordPress core checks them) and
# curl (the original service's verification commands are run against npm run dev).
# Installs only what is missing; needs root.
set -euo pipefail
packages=(git unzip chromium php-cli curl)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "debian packages: all present (${packages[*]})"
  exit 0
fi
echo "debian packages: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
