#!/usr/bin/env bash
# Runs the seed's own Locust files (upstream AgentCore tests/load/*.py) headless, short and bounded, against
# one pair of targets, and keeps Locust's CSV stats and failures per file. Used for issue 19's acceptance:
# run it once against `agentload sim` and once against the real services, then compare the two with
# scripts/locust-compare.mjs (no failure against the sim that the real services do not also get).
#
#   scripts/locust-acceptance.sh LOAD_DIR A2A_URL GATEWAY_URL OUT_DIR [SECONDS]
#
# LOAD_DIR holds the Locust files (e.g. extracted with `git --git-dir=<AgentCore mirror> show HEAD:tests/load/x.py`).
# Each file gets its own user count (below): small, so one uvicorn worker keeps up; gateway_performance_test.py
# runs against GATEWAY_URL (upstream's 8080), every other file against A2A_URL (upstream's 8001).
set -u
LOAD_DIR=$1 A2A=$2 GATEWAY=$3 OUT=$4 SECS=${5:-20}
mkdir -p "$OUT"
# file:users — one user per class at least (Locust spreads users over classes by weight).
RUNS="locustfile.py:10 http_load_test.py:5 sustained_load_test.py:10 burst_traffic_test.py:10
failure_scenario_test.py:10 websocket_load_test.py:4 tool_integration_load_test.py:4 test_modular_load.py:4
gateway_performance_test.py:4 integration_layer_load_test.py:4"
for run in $RUNS; do
  file=${run%%:*} users=${run##*:} host=$A2A
  [ "$file" = gateway_performance_test.py ] && host=$GATEWAY
  name=${file%.py}
  timeout $((SECS + 60)) locust -f "$LOAD_DIR/$file" --headless -u "$users" -r "$users" -t "${SECS}s" \
    --host "$host" --csv "$OUT/$name" --only-summary --stop-timeout 5 > "$OUT/$name.log" 2>&1
  echo "$file users=$users host=$host exit=$?"
done
