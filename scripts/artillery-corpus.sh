#!/usr/bin/env bash
# Runs every Artillery script under artillery's examples/ through agentload:
# `agentload validate`, then `agentload run --target http://127.0.0.1:PORT`
# against a catch-all local server (scripts/artillery-corpus-server.mjs), with
# the load capped to one arrival a second for 2 s and a 5 s grace.
#
#   scripts/artillery-corpus.sh [PATH]
#
# PATH is an artillery checkout, its git directory, or its examples/ folder;
# without it the fetched copy under /work/.mirror is used. Not part of
# `npm test`: it needs that copy. Needs `node scripts/build.mjs` first.
# A script whose processor cannot import a package gets `npm install` in its example's folder
# first, as a user of that example would (needs the npm registry).
# Prints one line per script and the pass counts; exit 0.
set -u
here="$(cd "$(dirname "$0")/.." && pwd)"
src="${1:-}"
if [ -z "$src" ]; then
  src="$(ls -d /work/.mirror/artilleryio+artillery/repo 2>/dev/null | head -1)"
fi
[ -n "$src" ] || { echo "no artillery copy: pass its path" >&2; exit 2; }
work="$(mktemp -d)"
trap 'rm -rf "$work"; [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null' EXIT
if [ -d "$src/examples" ]; then cp -r "$src/examples" "$work/examples"
elif [ -d "$src" ] && [ "$(basename "$src")" = examples ]; then cp -r "$src" "$work/examples"
elif git --git-dir="$src" rev-parse HEAD >/dev/null 2>&1; then
  mkdir -p "$work/examples" && git --git-dir="$src" archive HEAD examples | tar -x -C "$work"
else echo "not an artillery copy: $src" >&2; exit 2; fi

node "$here/scripts/artillery-corpus-server.mjs" > "$work/port" &
server_pid=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port="$(head -1 "$work/port")"
# Browser (playwright) scripts: Chromium sends all but 127.0.0.1 to the catch-all as its proxy, which refuses
# HTTPS tunnels, so the examples' absolute URLs (https://www.artillery.io) and Chromium's own calls home stay here.
proxy='{"server":"http://127.0.0.1:'"$port"'","bypass":"127.0.0.1"}'
cap='{"config":{"phases":[{"duration":2,"arrivalRate":1}],"engines":{"playwright":{"launchOptions":{"proxy":'"$proxy"'}}}}}'
agentload="$here/bin/agentload"

total=0; valid=0; ran=0; ran_ok=0; config_only=0
# Artillery's plugin example is run as its README says: ARTILLERY_PLUGIN_PATH=`pwd`/.. artillery run test.yml.
export ARTILLERY_PLUGIN_PATH="$work/examples"
# And its engine example as its README says: NODE_PATH=$(pwd)/.. artillery run example.yaml.
export NODE_PATH="$work/examples"
cd "$work/examples"
while IFS= read -r f; do
  # Only Artillery scripts: CI and Kubernetes YAML files have neither key at the top level.
  grep -qE '^(config|scenarios):' "$f" || continue
  # A config section alone is not a script: Artillery and agentload both run it only with --config SCRIPT.
  if ! grep -qE '^scenarios:' "$f"; then
    config_only=$((config_only + 1))
    echo "CONFIG      $f (a config file for --config: no scenarios)"
    continue
  fi
  total=$((total + 1))
  v="$(timeout 60 "$agentload" validate "$f" 2>&1)"; vc=$?
  # A processor that imports a package the example lists in its package.json: install it, as the
  # example's README tells its users to, then try again. Only then: most examples install artillery.
  if [ $vc -ne 0 ] && echo "$v" | grep -qE 'AGENTLOAD_E_PROCESSOR_LOAD.*cannot import|AGENTLOAD_E_(PLUGIN|ENGINE)_LOAD.*Cannot find module'; then
    d="$(dirname "$f")"
    while [ "$d" != "." ] && [ ! -f "$d/package.json" ]; do d="$(dirname "$d")"; done
    if [ -f "$d/package.json" ] && [ ! -d "$d/node_modules" ]; then
      (cd "$d" && timeout 300 npm install --omit=dev --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null 2>&1)
      v="$(timeout 60 "$agentload" validate "$f" 2>&1)"; vc=$?
    fi
  fi
  if [ $vc -eq 0 ]; then valid=$((valid + 1)); vmark="valid"
  else vmark="INVALID: $(echo "$v" | grep -m1 -E 'AGENTLOAD_E|rror' | cut -c1-200)"; fi
  # The run is tried whatever validate said: --target supplies what a scenarios-only file lacks.
  r="$(timeout 120 "$agentload" run "$f" --target "http://127.0.0.1:$port" --overrides "$cap" --grace 5s --no-console -o "$work/out.json" 2>&1)"; rc=$?
  if [ $rc -eq 0 ] || [ $rc -eq 1 ]; then
    ran=$((ran + 1)); [ $rc -eq 0 ] && ran_ok=$((ran_ok + 1))
    echo "RAN($rc)      $f [$vmark]"
  else
    echo "RUNFAIL($rc) $f: $(echo "$r" | grep -m1 -E 'AGENTLOAD_E|rror' | cut -c1-220) [validate: ${vmark:0:7}]"
  fi
done < <(find . -name '*.yml' -o -name '*.yaml' | sort)
echo "config files for --config (not scripts): $config_only"
echo "artillery scripts: $total; validate: $valid/$total; run (exit 0 or 1): $ran/$total; exit 0: $ran_ok/$total"
