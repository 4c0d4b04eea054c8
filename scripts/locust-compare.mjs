#!/usr/bin/env node
// Compares two runs of scripts/locust-acceptance.sh: for every Locust file and request name, the failure
// count and the distinct failure messages against the sim and against the real services. Exit 1 when a
// (file, name, message) fails against the sim but never against the real services; that would be a
// difference of the sim, not of the Locust file. A name the real run sent no request for is marked
// NO-REAL and not counted: rerun that user class longer on both sides.
//
//   node scripts/locust-compare.mjs SIM_DIR REAL_DIR
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

const [simDir, realDir] = process.argv.slice(2);
function load(dir) {
  const out = new Map();
  for (const f of readdirSync(dir).filter((n) => n.endsWith('_stats.csv'))) {
    const file = f.slice(0, -'_stats.csv'.length);
    const stats = parse(readFileSync(join(dir, f)), { columns: true });
    const failures = parse(readFileSync(join(dir, `${file}_failures.csv`)), { columns: true });
    const names = new Map();
    for (const s of stats) if (s.Name !== 'Aggregated') names.set(`${s.Type} ${s.Name}`, { requests: Number(s['Request Count']), failures: Number(s['Failure Count']), messages: new Map() });
    for (const x of failures) {
      const key = `${x.Method} ${x.Name}`;
      const entry = names.get(key) ?? { requests: 0, failures: 0, messages: new Map() };
      // Message texts carry ids, timestamps and ports, and Python's repr picks its quotes by content:
      // compare the first 60 characters with digits masked and quotes and backslashes dropped.
      const msg = x.Error.replace(/\d+/g, 'N').replace(/["'\\]/g, '').slice(0, 60);
      entry.messages.set(msg, (entry.messages.get(msg) ?? 0) + Number(x.Occurrences));
      names.set(key, entry);
    }
    out.set(file, names);
  }
  return out;
}
const sim = load(simDir);
const real = load(realDir);
let simOnly = 0;
for (const [file, names] of [...sim].sort()) {
  console.log(`\n${file}`);
  for (const [name, s] of [...names].sort()) {
    const r = real.get(file)?.get(name) ?? { requests: 0, failures: 0, messages: new Map() };
    const extra = [...s.messages.keys()].filter((m) => !r.messages.has(m));
    // A name the real run never sent proves nothing either way: listed, not counted (rerun that class longer).
    const unsampled = extra.length > 0 && r.requests === 0;
    if (extra.length > 0 && !unsampled) simOnly += 1;
    console.log(`  ${unsampled ? 'NO-REAL ' : extra.length ? 'SIM-ONLY' : 'ok      '} ${name}: sim ${s.failures}/${s.requests} failed, real ${r.failures}/${r.requests} failed${extra.length ? ` — sim-only: ${extra.join(' | ')}` : ''}`);
  }
}
console.log(`\n${simOnly === 0 ? 'no failure against the sim that the real services do not also get' : `${simOnly} request name(s) fail against the sim in a way the real services do not`}`);
process.exit(simOnly === 0 ? 0 : 1);
