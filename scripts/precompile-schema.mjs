// Part of `npm run build`: writes Ajv's standalone code for the merged plan schema next to the compiled
// plan-schema.js, tagged with the schema's digest. planValidator() uses it when the digest still matches,
// which saves compiling the schema (~0.25 s) at every start.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const dist = new URL('../dist/engine/plan/', import.meta.url);
const mod = await import(new URL('plan-schema.js', dist).href);
const bundle = mod.buildPlanSchema();
const ajv = mod.newPlanAjv({ code: { source: true } });
const validate = ajv.compile(bundle.schema);
const standaloneCode = createRequire(import.meta.url)('ajv/dist/standalone').default;
const source = `${standaloneCode(ajv, validate)}\nmodule.exports.digest = ${JSON.stringify(mod.schemaDigest(bundle.schema))};\n`;
writeFileSync(new URL(mod.PRECOMPILED_VALIDATOR, dist), source);
