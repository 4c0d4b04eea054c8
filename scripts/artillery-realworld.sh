#!/usr/bin/env bash
# Runs a folder of real-world Artillery scripts (gathered from public repositories, kept OUTSIDE this
# repository) through agentload: `agentload validate`, then `agentload run --target http://127.0.0.1:PORT`
# against the catch-all server of scripts/artillery-corpus-server.mjs, with the load capped as in
# scripts/artillery-corpus.sh (one arrival a second for 2 s, 5 s grace).
#
#   scripts/artillery-realworld.sh FOLDER [--install]
#
# FOLDER holds the scripts with the files they name (processors, CSV payloads) where their repository
# had them, e.g. FOLDER/<owner>__<repo>/<path in the repository>; every *.yml / *.yaml with a top-level
# `scenarios:` is a script. With --install, a script whose processor cannot import a package gets
# `npm install --omit=dev --ignore-scripts` in the nearest folder with a package.json (needs the npm
# registry), as that repository's README would have its users do.
#
# Nothing may leave 127.0.0.1: --target and --overrides replace the file's target and phases, but a
# request URL written absolute (https://api.example.com/x) would still be tried. So validate and run go
# inside a network namespace that has only a loopback device (`unshare -rn`), where any other address
# fails to resolve or is unreachable; without unshare the script refuses to run unless
# AGENTLOAD_REALWORLD_NO_NETNS=1 says the machine has no network anyway.
# The target ends in "/": scripts that build URLs from Artillery's target variable ("{{ target }}get") were
# written against a target with a trailing slash, and agentload joins "/path" to it as to the bare origin.
# Not part of `npm test`. Needs `node scripts/build.mjs` first. Prints one line per script and the counts.
set -u
here="$(cd "$(dirname "$0")/.." && pwd)"
src="${1:-}"
[ -n "$src" ] && [ -d "$src" ] || { echo "usage: scripts/artillery-realworld.sh FOLDER [--install]" >&2; exit 2; }
src="$(cd "$src" && pwd)"
install="${2:-}"

if [ -z "${AGENTLOAD_REALWORLD_INNER:-}" ]; then
  # A copy of the build: the run takes minutes, and a rebuild (or a source edit, which makes bin/agentload
  # fall back to the sources) in the working tree meanwhile must not change what is measured half-way.
  [ -f "$here/dist/.build-stamp" ] || { echo "no build: run node scripts/build.mjs first" >&2; exit 2; }
  snap="$(mktemp -d)"
  cp -r "$here/bin" "$here/dist" "$here/schemas" "$here/package.json" "$snap/" && ln -s "$here/node_modules" "$snap/node_modules"
  export AGENTLOAD_REALWORLD_SNAP="$snap"
  if [ "$install" = "--install" ]; then
    # Validate first (in the namespace: a processor runs code when it is imported), then install outside it.
    list="$(mktemp)"
    netns=""; unshare -rn true 2>/dev/null && netns="unshare -rn"
    $netns env AGENTLOAD_REALWORLD_INNER=list AGENTLOAD_REALWORLD_OUT="$list" "$0" "$src"
    while IFS= read -r d; do
      [ -d "$d/node_modules" ] && continue
      echo "npm install in ${d#"$src"/}" >&2
      (cd "$d" && timeout 300 npm install --omit=dev --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null 2>&1) \
        || echo "  npm install failed in ${d#"$src"/}" >&2
    done < <(sort -u "$list")
    rm -f "$list"
  fi
  echo "agentload $(git -C "$here" rev-parse --short HEAD 2>/dev/null)$([ -n "$(git -C "$here" status --porcelain --untracked-files=no 2>/dev/null)" ] && echo ' (with uncommitted edits in the tree)')" >&2
  if unshare -rn true 2>/dev/null; then
    exec unshare -rn env AGENTLOAD_REALWORLD_INNER=run "$0" "$src"
  elif [ "${AGENTLOAD_REALWORLD_NO_NETNS:-}" = 1 ]; then
    AGENTLOAD_REALWORLD_INNER=run exec "$0" "$src"
  else
    echo "unshare -rn is not available: cannot keep absolute URLs off the network (AGENTLOAD_REALWORLD_NO_NETNS=1 to run anyway)" >&2
    exit 2
  fi
fi
# Inside the namespace the loopback device starts down.
ip link set lo up 2>/dev/null || true

agentload="${AGENTLOAD_REALWORLD_SNAP:-$here}/bin/agentload"
scripts() { find "$src" -path '*/node_modules' -prune -o \( -name '*.yml' -o -name '*.yaml' \) -print | sort; }
is_script() { grep -qE '^scenarios:' "$1"; }

if [ "$AGENTLOAD_REALWORLD_INNER" = list ]; then
  # Folders to npm install: where a processor, plugin or engine could not import a package.
  while IFS= read -r f; do
    is_script "$f" || continue
    v="$(cd "$(dirname "$f")" && timeout 60 "$agentload" validate "$f" 2>&1)"
    echo "$v" | grep -qE 'AGENTLOAD_E_PROCESSOR_LOAD.*(cannot import|Cannot find)|AGENTLOAD_E_(PLUGIN|ENGINE)_LOAD.*Cannot find module' || continue
    d="$(dirname "$f")"
    while [ "$d" != "$src" ] && [ "$d" != / ] && [ ! -f "$d/package.json" ]; do d="$(dirname "$d")"; done
    [ -f "$d/package.json" ] && echo "$d" >> "$AGENTLOAD_REALWORLD_OUT"
  done < <(scripts)
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work" "${AGENTLOAD_REALWORLD_SNAP:-}"; [ -n "${server_pid:-}" ] && kill "$server_pid" 2>/dev/null' EXIT
node "$here/scripts/artillery-corpus-server.mjs" > "$work/port" &
server_pid=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
port="$(head -1 "$work/port")"
[ -n "$port" ] || { echo "the catch-all server did not start" >&2; exit 3; }
proxy='{"server":"http://127.0.0.1:'"$port"'","bypass":"127.0.0.1"}'
cap='{"config":{"phases":[{"duration":2,"arrivalRate":1}],"engines":{"playwright":{"launchOptions":{"proxy":'"$proxy"'}}}}}'

total=0; valid=0; ran=0; ran_ok=0
declare -A repos=()
while IFS= read -r f; do
  is_script "$f" || continue
  rel="${f#"$src"/}"
  total=$((total + 1)); repos["${rel%%/*}"]=1
  # Run from the script's folder, as its README would (processors and payloads are relative to the script anyway).
  cd "$(dirname "$f")"
  v="$(timeout 60 "$agentload" validate "$f" 2>&1)"; vc=$?
  if [ $vc -eq 0 ]; then valid=$((valid + 1)); vmark="valid"
  else vmark="INVALID($vc): $(echo "$v" | grep -m1 -E 'AGENTLOAD_E|rror' | sed "s|$src/||" | cut -c1-220)"; fi
  r="$(timeout 120 "$agentload" run "$f" --target "http://127.0.0.1:$port/" --overrides "$cap" --grace 5s --no-console -o "$work/out.json" 2>&1)"; rc=$?
  if [ $rc -eq 0 ] || [ $rc -eq 1 ]; then
    ran=$((ran + 1)); [ $rc -eq 0 ] && ran_ok=$((ran_ok + 1))
    echo "RAN($rc)      $rel [$vmark]"
  else
    echo "RUNFAIL($rc) $rel: $(echo "$r" | grep -m1 -E 'AGENTLOAD_E|rror' | sed "s|$src/||" | cut -c1-220) [validate: ${vmark:0:12}]"
  fi
done < <(scripts)
echo "real-world scripts: $total from ${#repos[@]} repositories; validate: $valid/$total; run (exit 0 or 1): $ran/$total; exit 0: $ran_ok/$total"
