/**
 * `agentload --help` (HELP) and `agentload <command> --help` (commandHelp):
 * a command's options are printed from its flag table (parse-flags.ts), so
 * a flag added to a table is documented here with no second edit.
 */
import { flagHelpLines, type FlagTable } from './parse-flags.ts';

/** The text of `agentload --help`. */
export const HELP = `agentload — declarative load runner for AI-agent gateways

Usage:
  agentload run PLAN.yml [options]     run a plan; exit code says whether expectations held
  agentload run A.yml B.yml | SUITE.yml  run plans one after another (a suite); exit code of the worst
  agentload validate PLAN.yml [...]    check plans or suites (schema, durations, templates) without running
  agentload init [options]             write a starter plan (--kind http|jsonrpc|ws, --target URL, --out FILE)
  agentload report RUN.json [...]      render reports from a saved result (--html, --csv, --junit)
  agentload compare BASE.json CUR.json compare two results; exit 1 on a regression
  agentload merge S1.json … SN.json    combine the results of run --shard 1/N … N/N exactly; exit code of the merged expectations
  agentload k8s PLAN.yml --shards N    print a Kubernetes Indexed Job (+ ConfigMap with the plan) running N shards
  agentload calibrate                  measure this machine's arrivals/s per core once (a few seconds, local target)
  agentload run --dry-run PLAN.yml     print the peak arrivals/s, users and connections the plan asks for, and the
                                       workers or shards it needs on this machine (also: validate --estimate)
  agentload sim [--port 8001] [...]    serve the bundled AgentCore-compatible target
  agentload --help | --version         agentload COMMAND --help lists a command's options

run / validate options:
  --target URL          override config.target (an http(s) URL, or "sim")
  --env NAME            apply config.environments.NAME (quick, full, …)
  --var k=v             set a template variable (repeatable)
  --users N             closed model: N looping users (replaces the phases)
  --spawn-rate R        users started per second (with --users)
  --duration D          run time, e.g. 30s, 5m; with several phases each is scaled in proportion
  --scenario NAME       run only the named scenario(s) (repeatable)
  --grace D             how long running users may take to finish their scenario after the last phase, and
                        requests in flight after an interrupt (default 30s, or config.grace); then they are incomplete
  --seed N              make think times, scenario picks, Poisson arrivals and random template helpers
                        reproducible (default: a random seed, recorded in the result as info.seed)
  --workers N|auto      split the load over N worker threads (auto: one per core); results merge exactly;
                        capped at the cores this process may use
  --oversubscribe       run every worker asked even on fewer cores (measures the cost; rarely faster)
  --shard i/N           run only slice i of N (1-based) of the plan, for agentload merge; composes with --workers
  --start-at TIME       wait after setup until TIME (ISO 8601 like 2026-05-01T12:00:00Z, or unix ms) to start, so shards align
  --target-pid PID      read the target's memory from /proc/PID for expect.targetMemory
  --repeat N            run each plan N times; prints the median and min–max of rps, p50/p95/p99, error rate
  --cool-down D         pause between consecutive runs of a suite or --repeat (default 30s, or the suite's coolDown)
  --output FILE         write the whole result as JSON (atomic); several runs write FILE.<plan>.<n>.json + FILE.summary.json
  --csv PREFIX          Locust-compatible PREFIX_stats.csv, _stats_history.csv, _failures.csv
  --html FILE           self-contained HTML report with charts
  --junit FILE          expectations as JUnit XML
  --prometheus [HOST:]PORT  live /metrics during the run (host 127.0.0.1 unless given)
  --dashboard [[HOST:]PORT] live web dashboard (default 127.0.0.1:8089; elsewhere a printed token guards it)
  --reporter NAME[:OPTS]    add a reporter: built-in id, plugin package or ./path; OPTS k=v,k=v or JSON (repeatable)
  --no-console          no progress line and no summary on stdout
  --quiet               print only PASS/FAIL lines and warnings
  --strict              a plan warning (a key Artillery ignores, e.g. config.environment, payload unique) is an error: exit 2

report options:
  --html FILE · --csv PREFIX [--csv-full-history] · --junit FILE   (none: print the summary)

compare options:
  --max-regression L    allowed worsening: 10% (default; a bare 5 is 5%), or per metric p95=5%,rps=20%
  --metrics LIST        p50 p75 p90 p95 p99 p999 max mean rps errorRate (default p95,p99,rps,errorRate)

merge options:
  --output FILE         write the merged result as JSON (report and compare read it)

k8s options (plus the run flags --target --env --var --users --spawn-rate --duration --scenario --workers --oversubscribe --start-at --quiet --no-console):
  --shards N            pods, one shard each (required) · --image IMG (default agentload:<version>) · --namespace NS
  --name NAME           Job and ConfigMap name (default agentload-<plan>) · --results-claim PVC (else an emptyDir) · --output FILE

Exit codes: 0 all expectations held · 1 an expectation failed ·
            2 the plan or command line is invalid · 3 the run could not start or was aborted
Docs: README.md, docs/plan-reference.md, docs/suites.md, docs/scaling.md, docs/errors.md, docs/plugins.md, docs/reporters/`;


interface CommandHelp {
  readonly usage: readonly string[];
  readonly about: string;
  readonly flags: () => Promise<FlagTable>;
}

const COMMANDS: Readonly<Record<string, CommandHelp>> = {
  run: {
    usage: ['agentload run PLAN.yml [options]', 'agentload run A.yml B.yml | SUITE.yml [options]'],
    about: 'Run a plan (or several, one after another). Exit 0 when every expectation held, 1 when one failed, 2 for a bad plan or flag, 3 when the run could not start or was aborted.',
    flags: async () => (await import('./run-args.ts')).RUN_FLAGS,
  },
  validate: {
    usage: ['agentload validate PLAN.yml [PLAN.yml | SUITE.yml …] [options]'],
    about: 'Check plans or suites as run would (schema, semantics, templates, plugins) without sending a request. Every problem is listed in one pass; exit 2 when any.',
    flags: async () => (await import('./run-args.ts')).RUN_FLAGS,
  },
  init: {
    usage: ['agentload init [--kind http|jsonrpc|ws] [--target URL] [--out FILE]'],
    about: 'Write a starter plan (an HTTP GET, a tool-rpc call, or a WebSocket connect/send/waitFor) whose first line points editors at schemas/agentload.schema.json, for completion and checks. An existing file is never overwritten (exit 2).',
    flags: async () => (await import('./init-command.ts')).INIT_FLAGS,
  },
  report: {
    usage: ['agentload report RUN.json [--html FILE] [--csv PREFIX] [--junit FILE]'],
    about: 'Render reports from a result saved with run --output; with no option, print the summary.',
    flags: async () => (await import('./report-command.ts')).REPORT_FLAGS,
  },
  compare: {
    usage: ['agentload compare BASELINE.json CURRENT.json [options]'],
    about: 'Compare two saved results name by name; exit 1 when a metric worsened beyond its limit.',
    flags: async () => (await import('./compare-command.ts')).COMPARE_FLAGS,
  },
  k8s: {
    usage: ['agentload k8s PLAN.yml --shards N [options]'],
    about: 'Print a Kubernetes Indexed Job (+ a ConfigMap holding the plan) that runs N shards, one pod each; the run flags below are passed to every pod.',
    flags: async () => (await import('./k8s-command.ts')).K8S_FLAGS,
  },
  calibrate: {
    usage: ['agentload calibrate [--seconds N] [--calibration FILE]'],
    about: "Measure once how many arrivals/s one core of this machine carries with the generator healthy (against a GET target it starts on 127.0.0.1), and store it for validate --estimate and run --dry-run.",
    flags: async () => (await import('./calibrate-command.ts')).CALIBRATE_FLAGS,
  },
  merge: {
    usage: ['agentload merge SHARD-1.json … SHARD-N.json [--output FILE]'],
    about: 'Combine the results of run --shard 1/N … N/N exactly; exit code of the merged expectations.',
    flags: async () => (await import('./merge-command.ts')).MERGE_FLAGS,
  },
};


/** The usage text of one command, or null for an unknown command (sim prints its own). */
export async function commandHelp(command: string): Promise<string | null> {
  const c = COMMANDS[command];
  if (c === undefined) return null;
  const lines = ['Usage:', ...c.usage.map((u) => `  ${u}`), '', c.about, '', 'Options:', ...flagHelpLines({ ...await c.flags(), help: { type: 'boolean', short: 'h', help: 'this text' } })];
  return lines.join('\n');
}
