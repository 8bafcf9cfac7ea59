#!/usr/bin/env bash
# Makes the secrets of the containers (docker-compose.yml), once: the files under
# deploy/compose/secrets/ (mounted as compose secrets) and .env at the top of the repository
# (read by docker compose for ${...} in the compose file). Both are in .gitignore. Run again, it
# keeps what exists.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DIR="$ROOT/deploy/compose/secrets"
umask 077
mkdir -p "$DIR"
random() { od -An -tx1 -N32 /dev/urandom | tr -d ' \n'; }
for name in db-password signing-secret delivery-secret-key s3-secret-key; do
  [ -s "$DIR/$name" ] || random > "$DIR/$name"
done
if [ ! -s "$ROOT/.env" ]; then
  {
    echo "CAUSALITY_DB_PASSWORD=$(cat "$DIR/db-password")"
    echo "CAUSALITY_SIGNING_SECRET=$(cat "$DIR/signing-secret")"
    echo "CAUSALITY_S3_SECRET_KEY=$(cat "$DIR/s3-secret-key")"
  } > "$ROOT/.env"
fi
echo "secrets in $DIR and $ROOT/.env"
