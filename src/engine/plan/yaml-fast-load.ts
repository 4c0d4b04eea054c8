/**
 * The first read of a plan: its plain value, with no source positions.
 *
 * The yaml library (yaml-guards.ts, yaml-positions.ts) keeps a node with a
 * source range for every key and value, which is what locates an error; on a
 * 10 000-step plan that parse alone took 1.3-2 s. A valid plan never needs a
 * position, so js-yaml reads it first and yaml parses it again only when a
 * diagnostic must be located (load-plan.ts) or when this read returns null.
 *
 * The two must agree on every plan this read accepts, so it accepts only what
 * it reads exactly as yaml would, and returns null for the rest (yaml then
 * reads the text and reports as before):
 * - plain scalars resolve through yaml's own core-schema tests and resolvers
 *   (null, bool, the three int forms, the three float forms), so `1_000`,
 *   `0b1` or `2001-12-14` stay strings as in yaml;
 * - map keys must be strings, numbers or booleans, stringified as yaml's
 *   toJS does (`1.50` → "1.5"); a null key (yaml: "") or a map or list as key
 *   returns null, as does a repeated key (yaml reports it);
 * - aliases only to nodes that hold no alias themselves, never as a map key,
 *   at most MAX_ALIAS_COUNT of them (aliasesAreFlat): then no alias can form
 *   a cycle or multiply an expansion, and yaml's alias-count guard, which
 *   counts uses times nested aliases, can never fire; an alias shares its
 *   anchor's value, as in yaml's toJS;
 * - no explicit tag other than !!str/!!seq/!!map, no nesting deeper than half
 *   of yaml-guards' limit, one document.
 * `<<` merges a map (inline or by alias, or a list of them) with yaml's
 * precedence: keys written in the map win, earlier sources over later ones.
 */
import { EVENT_ID, NOT_RESOLVED, Schema, constructFromEvents, defineMappingTag, defineScalarTag, mergeTag, parseEvents, seqTag, strTag, type Event } from 'js-yaml';
import { Schema as YamlSchema, isScalar } from 'yaml';
import { MAX_ALIAS_COUNT, MAX_NESTING_DEPTH } from './yaml-guards.ts';

const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
/** First characters a value of each core tag can start with (a superset), so js-yaml tries only the tags that may match. */
const FIRST_CHARS: Record<string, readonly string[]> = {
  'tag:yaml.org,2002:null': ['', '~', 'n', 'N'],
  'tag:yaml.org,2002:bool': ['t', 'T', 'f', 'F'],
  'tag:yaml.org,2002:int': [...DIGITS, '-', '+'],
  'tag:yaml.org,2002:float': [...DIGITS, '-', '+', '.'],
};

interface YamlScalarTag {
  tag: string;
  default?: boolean | 'key';
  test?: RegExp;
  resolve: (source: string, onError: (message: string) => void, options: { intAsBigInt: boolean }) => unknown;
}

/** yaml's resolvers report a bad value through a callback: here it ends the first read (yaml then reports it). */
const refuse = (): never => {
  throw new Error('not read as yaml would');
};

/** One js-yaml tag per core tag name, trying yaml's tags of that name in yaml's order. */
function coreScalarTags(): ReturnType<typeof defineScalarTag>[] {
  const yamlTags = (new YamlSchema({ schema: 'core' }).tags as unknown as YamlScalarTag[]).filter((t) => t.default === true && t.test !== undefined);
  return Object.entries(FIRST_CHARS).map(([name, firstChars]) => {
    const own = yamlTags.filter((t) => t.tag === name);
    if (own.length === 0) throw new Error(`yaml has no core tag ${name}`);
    return defineScalarTag(name, {
      implicit: true,
      implicitFirstChars: firstChars,
      identify: () => false,
      resolve(source, isExplicit) {
        // `!!int "1"` and friends: yaml's explicit-tag rules are not copied here.
        if (isExplicit) return NOT_RESOLVED;
        for (const t of own) {
          if (!t.test!.test(source)) continue;
          const value = t.resolve(source, refuse, { intAsBigInt: false });
          return isScalar(value) ? value.value : value;
        }
        return NOT_RESOLVED;
      },
    });
  });
}

const isPlainKey = (key: unknown): key is string | number | boolean => typeof key === 'string' || typeof key === 'number' || typeof key === 'boolean';

/** Plain objects keyed as yaml's toJS keys them; `__proto__` and friends become own properties, as there. */
const mapTag = defineMappingTag<Record<string, unknown>>('tag:yaml.org,2002:map', {
  create: () => ({}),
  identify: () => false,
  addPair(map, key, value) {
    if (!isPlainKey(key)) return 'not a plain key';
    const k = String(key);
    if (k in map) Object.defineProperty(map, k, { value, writable: true, enumerable: true, configurable: true });
    else map[k] = value;
    return '';
  },
  has: (map, key) => isPlainKey(key) && Object.hasOwn(map, String(key)),
  keys: (map) => Object.keys(map),
  get: (map, key) => map[String(key)],
});

let schema: Schema | undefined;

/**
 * The plan's value as yaml's toJS would give it, or null when this read
 * cannot vouch for that (see the module comment): parse with yaml then.
 */
export function fastLoadYaml(text: string): unknown {
  schema ??= new Schema([strTag, seqTag, mapTag, ...coreScalarTags(), mergeTag]);
  try {
    const events = parseEvents(text, { maxDepth: MAX_NESTING_DEPTH / 2 });
    if (!aliasesAreFlat(events)) return null;
    const docs = constructFromEvents(events, { source: text, schema, maxAliases: MAX_ALIAS_COUNT });
    // A file of only a scalar or only null is no plan: let yaml's path say so, as before.
    return docs.length === 1 && typeof docs[0] === 'object' && docs[0] !== null ? docs[0] : null;
  } catch {
    return null;
  }
}

/**
 * Whether every alias points at a node that cannot hold one: no alias lies
 * inside an anchored collection, and none is a map key. One pass over the
 * events; a collection's frame keeps whether it or an enclosing collection is
 * anchored and, for a map, how many keys and values it has had.
 */
function aliasesAreFlat(events: readonly Event[]): boolean {
  const isAnchored: boolean[] = [];
  /** Per open collection: -1 for a list, else the count of map children so far (even: a key comes next). */
  const mapChildren: number[] = [];
  const isKeyNext = (): boolean => {
    const n = mapChildren.length === 0 ? -1 : mapChildren[mapChildren.length - 1]!;
    return n >= 0 && n % 2 === 0;
  };
  const countChild = (): void => {
    const top = mapChildren.length - 1;
    if (top >= 0 && mapChildren[top]! >= 0) mapChildren[top]!++;
  };
  for (const e of events) {
    switch (e.type) {
      case EVENT_ID.ALIAS:
        if (isKeyNext() || isAnchored[isAnchored.length - 1] === true) return false;
        countChild();
        break;
      case EVENT_ID.SCALAR:
        countChild();
        break;
      case EVENT_ID.SEQUENCE:
      case EVENT_ID.MAPPING:
        countChild();
        isAnchored.push(e.anchorStart !== -1 || isAnchored[isAnchored.length - 1] === true);
        mapChildren.push(e.type === EVENT_ID.MAPPING ? 0 : -1);
        break;
      case EVENT_ID.POP:
        // Documents pop too; only collections were pushed.
        if (mapChildren.length > 0) {
          isAnchored.pop();
          mapChildren.pop();
        }
        break;
      default:
        break;
    }
  }
  return true;
}
