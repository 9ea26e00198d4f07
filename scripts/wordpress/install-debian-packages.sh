#!/usr/bin/env bash
# The Debian packages `npm run test:wordpress` needs: WordPress itself, PHP with the
# extensions core uses for updates (curl, zip, xml, mbstring) and the MySQL driver, and
# MariaDB for the database. Installs only what is missing; needs root (no stdin: CI).
set -euo pipefail
packages=(wordpress php-cli php-mysql php-curl php-zip php-xml php-mbstring mariadb-server unzip)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "debian packages for the WordPress tests: all present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "debian packages for the WordPress tests: missing ${missing[*]}; run as root: sudo $0" >&2
  exit 1
fi
echo "debian packages for the WordPress tests: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# Installing mariadb-server must not leave a system database server running: policy-rc.d
# refuses service starts for the duration (the tests run their own on a private datadir).
policy=/usr/sbin/policy-rc.d
created_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  created_policy=1
fi
trap '[ "$created_policy" = 1 ] && rm -f "$policy"' EXIT
apt-get install -y -qq --no-install-recommends "${missing[@]}"
