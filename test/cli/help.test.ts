import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cli } from './cli-fixture.ts';
import { RUN_FLAGS } from '../../src/cli/run-args.ts';
import { closestFlag } from '../../src/cli/parse-flags.ts';

test('every command answers --help with its usage and every flag of its table, exit 0', async () => {
  for (const command of ['run', 'validate', 'report', 'compare', 'merge', 'k8s']) {
    for (const flag of ['--help', '-h']) {
      const r = await cli([command, flag]);
      assert.equal(r.code, 0, `${command} ${flag}: ${r.err}`);
      assert.match(r.out, new RegExp(`^Usage:\\n  agentload ${command} `), command);
      assert.equal(r.err, '', command);
    }
  }
  const run = (await cli(['run', 'plan.yml', '--help'])).out;
  for (const name of Object.keys(RUN_FLAGS)) assert.match(run, new RegExp(`--${name}\\b`), `run --help lists --${name}`);
  assert.match((await cli(['compare', '-h'])).out, /--max-regression L\s+allowed worsening/);
});

test('an unknown flag is a usage error (exit 2) with did-you-mean and a pointer to --help', async () => {
  const cases: Array<[string[], string]> = [
    [['run', 'p.yml', '--durration', '5s'], 'duration'],
    [['run', 'p.yml', '--outptu', 'x.json'], 'output'],
    [['validate', 'p.yml', '--scenarios', 'a'], 'scenario'],
    [['compare', 'a.json', 'b.json', '--max-regresion', '5%'], 'max-regression'],
    [['report', 'a.json', '--htm', 'x.html'], 'html'],
    [['merge', 'a.json', '--ouput', 'm.json'], 'output'],
  ];
  for (const [args, near] of cases) {
    const r = await cli(args);
    assert.equal(r.code, 2, args.join(' '));
    const [first, hint] = r.err.split('\n');
    assert.match(first!, new RegExp(`^AGENTLOAD_E_USAGE unknown option ${args.find((a) => a.startsWith('--'))} for agentload ${args[0]}; did you mean --${near}\\?$`));
    assert.equal(hint, `hint: agentload ${args[0]} --help lists every option`);
  }
  const far = await cli(['run', 'p.yml', '--zzzzzzzz']);
  assert.match(far.err, /^AGENTLOAD_E_USAGE unknown option --zzzzzzzz for agentload run\n/, 'nothing close: no suggestion');
  assert.equal(closestFlag('--dur', ['duration', 'users']), 'duration', 'a prefix suggests its flag');
});

test('--dashboard alone serves on 127.0.0.1:8089; an address replaces the default', async () => {
  const { parseRunArgs } = await import('../../src/cli/run-args.ts');
  assert.deepEqual(parseRunArgs(['p.yml', '--dashboard'], 'run').dashboard, { host: '127.0.0.1', port: 8089 });
  assert.deepEqual(parseRunArgs(['--dashboard', 'p.yml'], 'run').dashboard, { host: '127.0.0.1', port: 8089 });
  assert.deepEqual(parseRunArgs(['--dashboard', '--quiet', 'p.yml'], 'run').planFiles, ['p.yml']);
  assert.deepEqual(parseRunArgs(['p.yml', '--dashboard', '9000'], 'run').dashboard, { host: '127.0.0.1', port: 9000 });
  assert.deepEqual(parseRunArgs(['p.yml', '--dashboard', '0.0.0.0:9000'], 'run').dashboard, { host: '0.0.0.0', port: 9000 });
  assert.equal(parseRunArgs(['p.yml'], 'run').dashboard, null);
});
