/**
 * Seeded mutations of plan text for the fuzz test (issue 20): what a person
 * editing YAML by hand, or a hostile file, can produce. Deterministic: the
 * same seed gives the same plans, so a failure is reproduced from its seed.
 */

/** mulberry32: a small seeded PRNG, enough to pick mutations reproducibly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE_VALUES = [
  '1e12', '-1', '0', '""', 'null', '~', '[]', '{}', '"{{"', '"{{ nosuch }}"', '"{{#each x}}"', '__proto__', '.inf', '-.inf', '.nan',
  '0x10', '1e-9', `"${'a'.repeat(5000)}"`, '*noalias', '&a x', '!!binary AAAA', '"\\u0000"', 'true', '"1ms"', '"999999h"',
  '"a\\r\\nb: c"', '1000001', '"0%"', '"150%"', '"-5ms"', 'yes', '2001-12-14', '!!js/function "x"', '"http://u:p@h"',
];
const HOSTILE_KEYS = ['__proto__', 'constructor', 'toString', '""', '"a b"', '<<', '? x', 'hasOwnProperty', 'prototype'];
const HOSTILE_CHARS = ['[', ']', '{', '}', ':', ',', '-', '&', '*', '!', '|', '>', "'", '"', '#', '%', '@', '`', '\t', '\u00a0', '\u202e', '\\', '\n'];
/** Values that keep a plan small enough to run for a second on a test machine. */
const TAME_VALUES = ['1', '2', '0', '""', 'null', '"{{ vu }}"', '"x"', 'true', '[]', '{}', '"200ms"', '"/a"'];

type Rng = () => number;
const pick = <T>(rng: Rng, list: readonly T[]): T => list[Math.floor(rng() * list.length)]!;

/** Replaces the value after the first `key: ` on a random line that has one. */
function replaceValue(lines: string[], rng: Rng, values: readonly string[]): void {
  const withValue = lines.map((l, i) => (/:\s+\S/.test(l) && !l.trimStart().startsWith('#') ? i : -1)).filter((i) => i >= 0);
  if (withValue.length === 0) return;
  const i = pick(rng, withValue);
  lines[i] = lines[i]!.replace(/(:\s+)([^,}\]\n]+)/, (_m, sep: string) => sep + pick(rng, values));
}

/** Replaces the first key of a random `key:` line. */
function replaceKey(lines: string[], rng: Rng): void {
  const withKey = lines.map((l, i) => (/^\s*(-\s+)?[\w.-]+:/.test(l) ? i : -1)).filter((i) => i >= 0);
  if (withKey.length === 0) return;
  const i = pick(rng, withKey);
  lines[i] = lines[i]!.replace(/^(\s*(?:-\s+)?)[\w.-]+:/, (_m, lead: string) => `${lead}${pick(rng, HOSTILE_KEYS)}:`);
}

/**
 * One mutated plan: 1 to 3 mutations of `text`. With `isTame`, only
 * mutations that keep the plan's load small (structure, small values), for
 * plans that are then run.
 */
export function mutatePlan(text: string, seed: number, isTame = false): string {
  const rng = prng(seed);
  let lines = text.split('\n');
  const count = 1 + Math.floor(rng() * 3);
  for (let m = 0; m < count; m++) {
    const i = Math.floor(rng() * lines.length);
    const kind = Math.floor(rng() * (isTame ? 6 : 10));
    switch (kind) {
      case 0: lines.splice(i, 1); break;
      case 1: lines.splice(i, 0, lines[i] ?? ''); break;
      case 2: { const j = Math.floor(rng() * lines.length); [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? '']; break; }
      case 3: { const d = 1 + Math.floor(rng() * 3); lines[i] = rng() < 0.5 ? ' '.repeat(d) + (lines[i] ?? '') : (lines[i] ?? '').replace(new RegExp(`^ {1,${d}}`), ''); break; }
      case 4: replaceKey(lines, rng); break;
      case 5: replaceValue(lines, rng, TAME_VALUES); break;
      case 6: replaceValue(lines, rng, HOSTILE_VALUES); break;
      case 7: { const l = lines[i] ?? ''; const at = Math.floor(rng() * (l.length + 1)); lines[i] = l.slice(0, at) + pick(rng, HOSTILE_CHARS) + l.slice(at); break; }
      case 8: { const d = 1 + Math.floor(rng() * 300); const open = rng() < 0.5 ? '[' : '{a: '; lines[i] = `${lines[i] ?? ''} ${open.repeat(d)}`; break; }
      default: { const all = lines.join('\n'); lines = all.slice(0, Math.floor(rng() * all.length)).split('\n'); }
    }
  }
  return lines.join('\n');
}
