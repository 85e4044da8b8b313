#!/usr/bin/env bash
# Start the two external SPARQL servers the integration tests use, on loopback only:
#   Oxigraph server  http://127.0.0.1:7878  (/query, /update, /store; union default graph)
#   Virtuoso         http://127.0.0.1:8890  (/sparql read-only, /sparql-auth Digest writes as
#                                            plangraph/plangraph-ci; isql on 127.0.0.1:1111)
# Idempotent: a server that already answers is left alone. Data and logs live under
# $PLANGRAPH_CI_DIR (default /tmp/plangraph-ci). The URLs are written to servers.env there.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
CI_DIR="${PLANGRAPH_CI_DIR:-/tmp/plangraph-ci}"
mkdir -p "$CI_DIR"

answers() {  # answers URL: true when an HTTP server answers there (any status)
  python3 - "$1" <<'PY'
import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen(sys.argv[1], timeout=2)
except urllib.error.HTTPError:
    pass
except Exception:
    sys.exit(1)
PY
}

wait_for() {  # wait_for NAME URL SECONDS LOG
  for _ in $(seq 1 "$3"); do
    if answers "$2"; then echo "$1 ready at $2"; return 0; fi
    sleep 1
  done
  echo "$1 did not answer at $2 within $3 s; see $4" >&2
  tail -n 20 "$4" >&2 || true
  return 1
}

# --- Oxigraph server -------------------------------------------------------------
OX_URL="http://127.0.0.1:7878"
if answers "$OX_URL/query?query=ASK%7B%7D"; then
  echo "Oxigraph already running at $OX_URL"
elif command -v oxigraph >/dev/null; then
  mkdir -p "$CI_DIR/oxigraph"
  setsid nohup oxigraph serve --location "$CI_DIR/oxigraph" --bind 127.0.0.1:7878 \
    --union-default-graph --timeout-s 60 >"$CI_DIR/oxigraph.log" 2>&1 < /dev/null &
  echo $! > "$CI_DIR/oxigraph.pid"
  wait_for Oxigraph "$OX_URL/query?query=ASK%7B%7D" 30 "$CI_DIR/oxigraph.log"
else
  echo "oxigraph not installed (pip install oxigraph); Oxigraph tests will fail under CI" >&2
fi

# --- Virtuoso ----------------------------------------------------------------------
VT_URL="http://127.0.0.1:8890"
VT_DIR="$CI_DIR/virtuoso"
ISQL="$(command -v isql-vt || command -v isql || true)"
if answers "$VT_URL/sparql?query=ASK%7B%7D"; then
  echo "Virtuoso already running at $VT_URL"
elif command -v virtuoso-t >/dev/null; then
  mkdir -p "$VT_DIR"
  sed "s#@DBDIR@#$VT_DIR#g" "$HERE/virtuoso/virtuoso.ini.in" > "$VT_DIR/virtuoso.ini"
  rm -f "$VT_DIR/virtuoso.lck"
  (cd "$VT_DIR" && setsid nohup virtuoso-t +configfile "$VT_DIR/virtuoso.ini" +foreground \
     >"$CI_DIR/virtuoso.log" 2>&1 < /dev/null & echo $! > "$CI_DIR/virtuoso.pid")
  wait_for Virtuoso "$VT_URL/sparql?query=ASK%7B%7D" 120 "$CI_DIR/virtuoso.log"
else
  echo "virtuoso-t not installed (apt-get install virtuoso-opensource); Virtuoso tests will fail under CI" >&2
fi
if [ -n "$ISQL" ] && answers "$VT_URL/sparql?query=ASK%7B%7D"; then
  # Accounts (idempotent; "already exists" errors are expected on a second run).
  "$ISQL" 127.0.0.1:1111 dba dba "$HERE/virtuoso/setup.sql" >"$CI_DIR/virtuoso-setup.log" 2>&1 || true
fi

cat > "$CI_DIR/servers.env" <<ENV
PLANGRAPH_CI_OXIGRAPH_QUERY=$OX_URL/query
PLANGRAPH_CI_OXIGRAPH_UPDATE=$OX_URL/update
PLANGRAPH_CI_OXIGRAPH_GSP=$OX_URL/store
PLANGRAPH_CI_VIRTUOSO_QUERY=$VT_URL/sparql
PLANGRAPH_CI_VIRTUOSO_UPDATE=$VT_URL/sparql-auth
PLANGRAPH_CI_VIRTUOSO_GSP=$VT_URL/sparql-graph-crud-auth
PLANGRAPH_CI_VIRTUOSO_USER=plangraph
PLANGRAPH_CI_VIRTUOSO_PASSWORD=plangraph-ci
ENV
echo "server URLs written to $CI_DIR/servers.env"
