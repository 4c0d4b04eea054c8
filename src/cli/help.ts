/** The text of `agentload --help`. */
export const HELP = `agentload — declarative load runner for AI-agent gateways

Usage:
  agentload run PLAN.yml [options]     run a plan; exit code says whether expectations held
  agentload validate PLAN.yml [...]    check a plan (schema, durations, templates) without running
  agentload sim [--port 8001] [...]    serve the bundled AgentCore-compatible target
  agentload --help | --version

run / validate options:
  --target URL          override config.target (an http(s) URL, or "sim")
  --env NAME            apply config.environments.NAME (quick, full, …)
  --var k=v             set a template variable (repeatable)
  --users N             closed model: N looping users (replaces the phases)
  --spawn-rate R        users started per second (with --users)
  --duration D          run time, e.g. 30s, 5m (with --users, or for a one-phase plan)
  --scenario NAME       run only the named scenario(s) (repeatable)
  --output FILE         write the whole result as JSON (atomic)
  --quiet               print only PASS/FAIL lines and warnings

Exit codes: 0 all expectations held · 1 an expectation failed ·
            2 the plan or command line is invalid · 3 the run could not start or was aborted
Docs: README.md, docs/plan-reference.md, docs/errors.md`;
