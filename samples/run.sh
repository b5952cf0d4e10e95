#!/usr/bin/env bash
# The main job on the shipped samples: a PEM key + chain into a JKS and a PKCS#12 keystore, a PEM CA
# bundle into a truststore, and the listing of each. Outputs go to samples/out/.
set -euo pipefail
cd "$(dirname "$0")"
ktool() { node ../bin/ktool "$@"; }
export KTOOL_SAMPLE_PASS="${KTOOL_SAMPLE_PASS:-changeit}"
rm -rf out && mkdir -p out

echo "== PEM key + chain -> JKS keystore"
ktool import out/server.jks --storetype JKS --key server.key --cert server-chain.pem --alias db-server --storepass-env KTOOL_SAMPLE_PASS
echo "== PEM key + chain -> PKCS#12 keystore"
ktool import out/server.p12 --key server.key --cert server-chain.pem --alias db-server --storepass-env KTOOL_SAMPLE_PASS
echo "== PEM CA bundle -> PKCS#12 truststore"
ktool import out/truststore.p12 --cert ca-bundle.pem --storepass-env KTOOL_SAMPLE_PASS

for store in out/server.jks out/server.p12 out/truststore.p12; do
  echo
  echo "== ktool list $store"
  ktool list "$store" --storepass-env KTOOL_SAMPLE_PASS
done
echo
echo "== JDBC configuration (PostgreSQL, verify-full; pgJDBC reads the CA as PEM, written to out/pg/)"
ktool jdbc --driver postgresql --host db.example.com --port 5432 --database app --user app \
  --mode verify-full --truststore out/truststore.p12 --truststore-pass-env KTOOL_SAMPLE_PASS \
  --out-dir out/pg --format properties
echo
echo "== JDBC configuration (MariaDB Connector/J 3.x, verify-full, using the truststore)"
ktool jdbc --driver mariadb --host db.example.com --port 3306 --database app --user app \
  --mode verify-full --truststore out/truststore.p12 --truststore-pass-env KTOOL_SAMPLE_PASS --format url
