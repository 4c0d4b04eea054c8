/**
 * The HTTP request options of Artillery's engine that agentload's http step
 * reads natively (docs/artillery.md): `cookie` (with `config.defaults.cookie`
 * merged in), `auth`, `followRedirect`, `formData` with `fromFile`, and
 * `gzip` (accepted, ignored). Called by the flow rewrite for every request,
 * so agentload plans get the same: a `fromFile` path is relative to the plan
 * and the file is read here, once, when the plan loads (a templated one by
 * the engine, at its first use).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PathSegment } from '../yaml-positions.ts';

type Segs = PathSegment[];

/** Where the bytes of a `fromFile` field travel to the http engine (a registry symbol, as the engine reads it). */
const FORM_FILE_BYTES = Symbol.for('agentload.formFileBytes');
/** Where a templated `fromFile` gets the folder it resolves against (the engine reads each file at its first use). */
const FORM_FILE_DIR = Symbol.for('agentload.formFileDir');

/** What the request rewrite needs from the script. */
export interface RequestRewriteContext {
  /** `config.defaults.cookie` / `config.http.defaults.cookie`: cookies every request adds to the jar. */
  readonly defaultCookie: Record<string, unknown>;
  /** The plan file's folder: `fromFile` paths resolve against it. */
  readonly scriptDir: string;
  unsupported(message: string, path: Segs, isKey?: boolean): void;
  /** A file the plan names could not be read (AGENTLOAD_E_PLAN_READ). */
  unreadable(message: string, path: Segs): void;
}

/** Rewrites `req` in place (see the module comment). */
export function rewriteRequestOptions(req: Record<string, unknown>, at: Segs, ctx: RequestRewriteContext): void {
  const cookie = { ...ctx.defaultCookie, ...(isRecord(req.cookie) ? req.cookie : {}) };
  if (Object.keys(cookie).length > 0) req.cookie = Object.fromEntries(Object.entries(cookie).map(([k, v]) => [k, String(v)]));
  if (isRecord(req.auth)) {
    for (const k of ['user', 'pass']) if (req.auth[k] !== undefined && typeof req.auth[k] !== 'string') req.auth[k] = JSON.stringify(req.auth[k]); // pass: 1234 is "1234"
  }
  if (req.followRedirect === 'false' || req.followRedirect === 'true') req.followRedirect = req.followRedirect === 'true';
  delete req.gzip; // agentload never asks for compressed answers, so there is nothing to decompress
  delete req.setContentLengthHeader; // the multipart body is a Buffer: its content-length is always sent
  if (isRecord(req.formData)) {
    for (const [name, field] of Object.entries(req.formData)) {
      if (isRecord(field) && field.fromFile !== undefined) readFormFile(field, [...at, 'formData', name, 'fromFile'], ctx);
    }
  }
}

function readFormFile(field: Record<string, unknown>, at: Segs, ctx: RequestRewriteContext): void {
  const path = String(field.fromFile);
  if (path.includes('{{')) {
    Object.defineProperty(field, FORM_FILE_DIR, { value: ctx.scriptDir, enumerable: false });
    return;
  }
  try {
    Object.defineProperty(field, FORM_FILE_BYTES, { value: readFileSync(resolve(ctx.scriptDir, path)), enumerable: false });
  } catch (e) {
    ctx.unreadable(`cannot read ${JSON.stringify(path)} (relative to the plan's folder): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, at);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
