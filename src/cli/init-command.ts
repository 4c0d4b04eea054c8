/**
 * `agentload init [--target URL] [--kind http|jsonrpc|ws] [--out FILE]`:
 * writes a starter plan whose first line points editors (VS Code's YAML
 * extension, any yaml-language-server client) at the published schema, so
 * the plan completes and checks itself from the first keystroke. Never
 * overwrites: the file is opened with O_EXCL, so even a file created between
 * a check and the write is left alone.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { UsageError } from '../engine/errors.ts';
import { SCHEMAS_DIR } from '../engine/plan/plan-schema.ts';
import { parseFlags, type FlagTable } from './parse-flags.ts';

const KINDS = ['http', 'jsonrpc', 'ws'] as const;
type Kind = (typeof KINDS)[number];

/** The plan's target rule (config.target in plan.schema.json), checked here so init never writes a plan that fails validate. */
const TARGET = /^(sim|(https?|wss?):\/\/\S+)$/;

/** `init`'s flags (parse-flags.ts). */
export const INIT_FLAGS = {
  target: { type: 'string', arg: 'URL', help: 'the system under test: an http(s) or ws(s) URL, or "sim" for the bundled target (default sim)' },
  kind: { type: 'string', arg: 'KIND', help: 'http (a GET), jsonrpc (a tool-rpc call) or ws (connect, send, waitFor); default http' },
  out: { type: 'string', short: 'o', arg: 'FILE', help: 'where to write the plan (default plan.yml); an existing file is never overwritten' },
} as const satisfies FlagTable;

const FLOWS: Readonly<Record<Kind, string>> = {
  http: `scenarios:
  - name: health
    flow:
      - get:
          url: /api/v1/health
          name: health
          expect: { status: 200 }
      - think: { min: 100ms, max: 500ms }
`,
  jsonrpc: `scenarios:
  - name: tools
    engine: tool-rpc                   # JSON-RPC 2.0 POSTs to target + config.rpcPath (default /api/v1/jsonrpc)
    flow:
      - call:
          method: tools.execute
          params: { tool_id: echo, parameters: { message: "hello from user {{ vu }}" }, agent_id: "user-{{ vu }}" }
          expect: { json: [{ path: result.status, equals: success }] }
      - think: { min: 100ms, max: 500ms }
`,
  ws: `scenarios:
  - name: events
    engine: ws                         # ws:// or wss:// is derived from an http(s) target
    flow:
      - connect: /api/v1/ws/events?subscriber_id=user-{{ vu }}
      - waitFor:
          match: { json: message_type, equals: connected }
      - send:
          json: { message_type: ping, payload: { timestamp: "{{ now }}" } }
      - waitFor:
          match: { json: message_type, equals: pong }
          timeout: 5s
      - close: {}
`,
};

/** The starter plan's text; `schemaRef` is the schema's path relative to the plan (or absolute). */
export function starterPlan(kind: Kind, target: string, schemaRef: string): string {
  return `# yaml-language-server: $schema=${schemaRef}
# A starter ${kind} plan written by agentload init. Check it with \`agentload validate\`, run it with
# \`agentload run\`; every field is described in docs/plan-reference.md (and completed by your editor).
config:
  target: ${JSON.stringify(target)}
  phases:
    - { name: warm-up, duration: 10s, arrivalRate: 1, rampTo: 5 }
    - { name: steady, duration: 30s, arrivalRate: 5 }
  expect: { p95: 500ms, maxErrorRate: 1% }
${FLOWS[kind]}`;
}

function kindOf(v: string | undefined): Kind {
  if (v === undefined) return 'http';
  if ((KINDS as readonly string[]).includes(v)) return v as Kind;
  throw new UsageError(`--kind expects one of ${KINDS.join(', ')}, got "${v}"`);
}

/** Writes the plan; returns the exit code (0), or throws UsageError (exit 2). */
export function initCommand(args: string[], out: (line: string) => void): number {
  const { values, positionals } = parseFlags(args, INIT_FLAGS, 'init');
  if (positionals.length > 0) throw new UsageError(`agentload init takes no file argument, got "${positionals[0]}"; name the plan with --out FILE`);
  const kind = kindOf(values.kind);
  const target = values.target ?? 'sim';
  if (!TARGET.test(target)) throw new UsageError(`--target expects an http(s) or ws(s) URL like "http://127.0.0.1:8000", or "sim", got "${target}"`);
  const file = values.out ?? 'plan.yml';
  const schema = join(SCHEMAS_DIR, 'agentload.schema.json');
  const schemaRef = relative(dirname(resolve(file)), schema).split(sep).join('/');
  try {
    writeFileSync(file, starterPlan(kind, target, schemaRef), { flag: 'wx' });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError(`${file} already exists and agentload init never overwrites a file; pick another name with --out FILE, or remove it first`, { hint: '' });
    throw new UsageError(`cannot write ${file}: ${(e as Error).message}`, { hint: 'pick a path in an existing, writable directory with --out FILE', cause: e });
  }
  out(`wrote ${file} (${kind} plan, target ${target}); check it with: agentload validate ${file}`);
  return 0;
}
