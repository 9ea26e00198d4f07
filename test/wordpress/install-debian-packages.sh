#!/usr/bin/env bash
# The Debian packages `npm run test:wordpress` needs: WordPress itself, PHP with the
# extensions core uses for updates (curl, zip, xml, mbstring) and the MySQL driver, and
# MariaDB for the database (not started as a system service: the tests run their own).
set -euo pipefail
exec bash "$(dirname "$0")/../../scripts/dev/install-debian-packages.sh" --for "the WordPress tests" \
  wordpress php-cli php-mysql php-curl php-zip php-xml php-mbstring mariadb-server unzip
