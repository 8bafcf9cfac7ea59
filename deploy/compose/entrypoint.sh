#!/bin/sh
# The Causality image's entry point: `ingest` runs the ingest service, `setup` the one-shot setup
# of a cluster (ClusterSetup; its options follow, or come from CAUSALITY_* variables).
set -eu
CP="/opt/causality/lib/*"
LOG="-Dlog4j2.configurationFile=/opt/causality/log4j2.xml"
case "${1:-ingest}" in
  ingest) shift || true
    exec java $LOG -cp "$CP" io.causality.ingest.server.IngestMain \
      --config "${CAUSALITY_INGEST_CONFIG:-/etc/causality/ingest.properties}" "$@" ;;
  setup) shift
    exec java $LOG -cp "$CP" io.causality.stack.cli.ClusterSetup "$@" ;;
  *) exec "$@" ;;
esac
