#!/usr/bin/env bash
# Installs the Debian packages a test suite needs, only those missing; needs root (or
# passwordless sudo), no stdin.
#   install-debian-packages.sh                       what `npm test` needs (the default list)
#   install-debian-packages.sh --for WHAT PKG...     another list (test/wordpress/ uses it)
# The default list: git (pinned sources), unzip (package checks, as in the original
# checklist), chromium (the pages are tested in a real browser), php-cli (signatures are
# checked with PHP's own sodium, as WordPress core checks them), php-codesniffer (phpcs lints
# the updater's PHP, site/updater/), curl and python3 (the original service's verification
# commands, curl piped to python3 -m json.tool, are run against npm run dev), and for Geeklog's
# repository client run against npm run dev (test/geeklog/): mariadb-server (its database,
# started privately by the test, never as a service), php-mysql, php-xml (XMLReader), php-zip,
# php-curl, and php-pear (its System::rm).
# `npm test` runs scripts/dev/test-prerequisites.ts first, which runs this when a tool is missing.
set -euo pipefail
label="npm test"
packages=(git unzip chromium php-cli php-codesniffer curl python3 mariadb-server php-mysql php-xml php-zip php-curl php-pear)
if [ "${1:-}" = "--for" ]; then
  label="$2"
  packages=("${@:3}")
fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "debian packages for $label: all present (${packages[*]})"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  # Passwordless sudo (a CI runner, a container) installs without asking; otherwise say what to run.
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    exec sudo -n bash "$0" "$@"
  fi
  echo "debian packages for $label: missing ${missing[*]}; install them as root, then try again:" >&2
  echo "  sudo bash $(realpath --relative-to=. "$0")${1:+ ${*@Q}}" >&2
  exit 1
fi
echo "debian packages for $label: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Installing a server package (mariadb-server) must not leave a system service running:
# policy-rc.d refuses service starts for the duration (tests run their own, privately).
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  created_policy=1
fi
trap '[ "$created_policy" = 1 ] && rm -f "$policy"' EXIT
apt-get install -y -qq --no-install-recommends "${missing[@]}"
