/**
 * The merged plan schema: schemas/plan.schema.json plus every engine fragment
 * in schemas/engines/<id>.json, and the Ajv validator compiled from it.
 *
 * Fragments are read from the folder at first use, so an engine adds its steps
 * and config keys by dropping a file there; nothing in this file names an
 * engine. A fragment is `{ steps, config, definitions? }`:
 *
 *   plan.schema.json                      fragment http.json
 *   definitions.step.properties  ◄──────  steps      { get: …, post: … }
 *   properties.config.properties ◄──────  config     { … }
 *   definitions                  ◄──────  definitions { httpRequest: … }
 *
 * Collisions are bugs in the repository, not in the user's plan, so they
 * throw InternalError naming both sides.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Ajv, Options as AjvOptions, SchemaObject, ValidateFunction } from 'ajv';
import { InternalError } from '../errors.ts';

/** schemas/ at the repository root, next to src/. */
export const SCHEMAS_DIR = fileURLToPath(new URL('../../../schemas/', import.meta.url));

/** Config keys kept free-form in plan.schema.json until an engine's fragment defines them. */
const PLACEHOLDER_CONFIG_KEYS = new Set(['rpcPath', 'outcomes', 'ws']);
/** Environments are partial configs that cannot nest. */
const CONFIG_ONLY_KEYS = new Set(['environments', 'defaultEnvironment']);
const ENGINE_ID = /^[a-z][a-z0-9-]*$/;

/** The merged schema and where each of its step and config keys came from. */
export interface PlanSchemaBundle {
  /** The merged schema; treat as read-only. */
  readonly schema: SchemaObject;
  /** Ids of engines with a fragment (file names without `.json`), sorted. */
  readonly engineIds: readonly string[];
  /** Step key → engine id that defines it; common steps (think, loop, …) map to ''. */
  readonly stepOwners: ReadonlyMap<string, string>;
  /** Config key → engine id for keys that fragments added or defined. */
  readonly configOwners: ReadonlyMap<string, string>;
}

type Fragment = { steps: Record<string, SchemaObject>; config: Record<string, SchemaObject>; definitions: Record<string, SchemaObject> };

/**
 * Reads and merges the schema files of `dir`. Pure apart from reading files;
 * called by planValidator (once per process) and by
 * scripts/gen-plan-reference.ts. Throws InternalError on a malformed fragment.
 */
export function buildPlanSchema(dir: string = SCHEMAS_DIR): PlanSchemaBundle {
  const schema = readJson(join(dir, 'plan.schema.json'));
  const defs = schema.definitions as Record<string, SchemaObject>;
  const stepProps = defs.step!.properties as Record<string, SchemaObject>;
  const configProps = (schema.properties as Record<string, SchemaObject>).config!.properties as Record<string, SchemaObject>;
  const stepOwners = new Map<string, string>(Object.keys(stepProps).map((k) => [k, '']));
  const configOwners = new Map<string, string>();
  const defOwners = new Map<string, string>(Object.keys(defs).map((k) => [k, 'plan.schema.json']));

  const files = readdirSync(join(dir, 'engines')).filter((f) => f.endsWith('.json')).sort();
  const engineIds = files.map((f) => f.slice(0, -'.json'.length));
  for (const [i, id] of engineIds.entries()) {
    const file = join(dir, 'engines', files[i]!);
    if (!ENGINE_ID.test(id)) throw new InternalError(`schema fragment ${file}: "${id}" is not a valid engine id`);
    const frag = readFragment(file);
    for (const [key, sub] of Object.entries(frag.steps)) {
      const owner = stepOwners.get(key);
      if (owner !== undefined) throw new InternalError(`schema fragment ${file}: step "${key}" is already defined by ${owner || 'plan.schema.json'}`);
      stepOwners.set(key, id);
      stepProps[key] = sub;
    }
    for (const [key, sub] of Object.entries(frag.config)) {
      const owner = configOwners.get(key) ?? (key in configProps && !PLACEHOLDER_CONFIG_KEYS.has(key) ? 'plan.schema.json' : undefined);
      if (owner !== undefined) throw new InternalError(`schema fragment ${file}: config key "${key}" is already defined by ${owner}`);
      configOwners.set(key, id);
      configProps[key] = sub;
    }
    for (const [key, sub] of Object.entries(frag.definitions)) {
      const owner = defOwners.get(key);
      if (owner !== undefined) throw new InternalError(`schema fragment ${file}: definition "${key}" is already defined by ${owner}`);
      defOwners.set(key, `${id}.json`);
      defs[key] = sub;
    }
  }

  defs.environment!.properties = Object.fromEntries(Object.entries(configProps).filter(([k]) => !CONFIG_ONLY_KEYS.has(k)));
  defs.environment!.additionalProperties = false;
  const scenario = defs.scenario!;
  if (engineIds.length > 0) ((scenario.if as SchemaObject).properties as Record<string, SchemaObject>).engine!.enum = [...engineIds];
  else {
    // No fragment at all: no engine's steps can be checked, so none are.
    delete scenario.if;
    delete scenario.then;
  }
  return { schema, engineIds, stepOwners, configOwners };
}

let cached: { bundle: PlanSchemaBundle; validate: ValidateFunction } | undefined;

/** Ajv's options for the plan validator; the build's precompiled copy uses the same (scripts/precompile-schema.mjs). */
export const PLAN_AJV_OPTIONS: AjvOptions = { allErrors: true, verbose: true, allowUnionTypes: true, strict: true, strictRequired: false };

/** The file the build writes next to this module's compiled form: Ajv's standalone code for the merged schema. */
export const PRECOMPILED_VALIDATOR = 'plan-validator.generated.cjs';

/** Identifies a merged schema, so a precompiled validator is used only for the schema it was built from. */
export function schemaDigest(schema: SchemaObject): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex');
}

/** A new Ajv with the plan's options and keywords; Ajv is loaded only here, when no precompiled validator fits. */
export function newPlanAjv(extra: AjvOptions = {}): Ajv {
  const { Ajv: AjvClass } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
  const ajv = new AjvClass({ ...PLAN_AJV_OPTIONS, ...extra });
  ajv.addKeyword({ keyword: 'x-expected', schemaType: 'string' });
  return ajv;
}

/**
 * The build's precompiled validator when it was compiled from this very schema, else null. Compiling
 * the merged schema with Ajv took ~0.25 s of every start; a fragment edited after the build changes the
 * digest, so the validator is compiled afresh rather than checking plans against a stale schema.
 */
function precompiled(digest: string): ValidateFunction | null {
  try {
    const mod = createRequire(import.meta.url)(`./${PRECOMPILED_VALIDATOR}`) as ValidateFunction & { digest?: string };
    return mod.digest === digest ? mod : null;
  } catch {
    return null; // running from source, or a build without it
  }
}

/**
 * The merged schema and its compiled validator, built on first call and
 * reused for the life of the process (compiling costs far more than
 * validating). Errors are verbose (they carry the failing schema and data),
 * which schema-diagnostics.ts needs to explain them. Synchronous; called by
 * loadPlan.
 */
export function planValidator(): { bundle: PlanSchemaBundle; validate: ValidateFunction } {
  if (cached !== undefined) return cached;
  const bundle = buildPlanSchema();
  const ready = precompiled(schemaDigest(bundle.schema));
  if (ready !== null) return (cached = { bundle, validate: ready });
  try {
    cached = { bundle, validate: newPlanAjv().compile(bundle.schema) };
  } catch (e) {
    throw new InternalError(`the plan schema does not compile: ${(e as Error).message}`, { cause: e });
  }
  return cached;
}

function readJson(file: string): SchemaObject {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as SchemaObject;
  } catch (e) {
    throw new InternalError(`cannot read schema ${file}: ${(e as Error).message}`, { cause: e });
  }
}

function readFragment(file: string): Fragment {
  const raw = readJson(file);
  const part = (name: string, isRequired: boolean): Record<string, SchemaObject> => {
    const v: unknown = raw[name];
    if (v === undefined && !isRequired) return {};
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      throw new InternalError(`schema fragment ${file}: "${name}" must be an object of schemas`);
    }
    return v as Record<string, SchemaObject>;
  };
  return { steps: part('steps', true), config: part('config', true), definitions: part('definitions', false) };
}
