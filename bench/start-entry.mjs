// Benchmark child for the start-up case: runs `agentload ARGS` in the given form — `compiled`
// (dist/, as bin/agentload does after a build) or `source` (tsx registered, src/) — and prints
// its own resource usage as one JSON line on stderr when it exits.
// Usage: start-entry.mjs compiled|source ARGS…
import module from 'node:module';

// As bin/agentload does: node 22.1+ keeps compiled code between starts; what a user's second start costs.
if (process.env.START_COMPILE_CACHE !== '0') module.enableCompileCache?.();
const [form, ...argv] = process.argv.slice(2);
let entry;
if (form === 'compiled') entry = await import('../dist/cli/main.js');
else {
  const { register } = await import('tsx/esm/api');
  register();
  entry = await import('../src/cli/main.ts');
}
process.exitCode = await entry.main(argv);
process.on('exit', () => {
  const u = process.resourceUsage();
  process.stderr.write(`${JSON.stringify({ cpuSec: (u.userCPUTime + u.systemCPUTime) / 1e6, maxRssMb: u.maxRSS / 1024 })}\n`);
});
