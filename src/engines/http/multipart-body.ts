/**
 * A request's `formData` as a multipart/form-data body (RFC 7578), the form
 * Artillery sends: each field a part; a `fromFile` field the file's bytes,
 * read once when the plan loads (the loader hands them over under
 * FORM_FILE_BYTES), named by the file's base name and typed by the file's
 * extension as form-data (Artillery's encoder) does, whatever `filename` says.
 * A templated `fromFile` (`./files/{{ name }}`, a file per user) is rendered
 * per request and each distinct file read once, at its first use (FORM_FILE_DIR
 * is the folder it resolves against); one that cannot be read fails that
 * request (`error_enoent`). Compiled once; a form with no
 * template renders to one Buffer shared by every request.
 *
 *   --<boundary>\r\n
 *   content-disposition: form-data; name="doc"; filename="a.pdf"\r\n
 *   content-type: application/pdf\r\n
 *   \r\n
 *   <bytes>\r\n
 *   --<boundary>--\r\n
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, resolve } from 'node:path';
import type { StepCompileContext, Template, VuVars } from '../../engine/contracts.ts';

let mimeLookup: ((path: string) => string | false) | null = null;

/**
 * A file's content type by its name (mime-types), loaded at the first file part: its database (mime-db,
 * ~230 KB) was otherwise parsed at every start of agentload, validate included, for plans with no upload.
 */
function lookup(path: string): string | false {
  mimeLookup ??= (createRequire(import.meta.url)('mime-types') as typeof import('mime-types')).lookup;
  return mimeLookup(path);
}

/** Where the plan loader leaves a `fromFile` field's bytes (a registry symbol: the loader and this engine share no module). */
export const FORM_FILE_BYTES: symbol = Symbol.for('agentload.formFileBytes');
/** Where the loader leaves the folder a templated `fromFile` resolves against. */
export const FORM_FILE_DIR: symbol = Symbol.for('agentload.formFileDir');
/** Distinct files a templated fromFile keeps read; past it they are read at each use. */
const MAX_CACHED_FILES = 1024;

interface Part {
  /** The part's header lines, rendered once (null for a templated file: they name the file). */
  readonly head: Buffer | null;
  /** A file's bytes, or null for a text field. */
  readonly file: Buffer | null;
  readonly value: Template | null;
  /** A templated fromFile, with what its header lines need. */
  readonly fileTemplate: { readonly path: Template; readonly dir: string; readonly filename: string | null; readonly contentType: string | null } | null;
}

/** The file a templated fromFile names for `vars`: read once per distinct path, cached (module comment). */
function fileOf(t: NonNullable<Part['fileTemplate']>, vars: VuVars, name: string, cache: Map<string, { head: Buffer; bytes: Buffer }>): { head: Buffer; bytes: Buffer } {
  const rendered = t.path.render(vars);
  let hit = cache.get(rendered);
  if (hit === undefined) {
    const bytes = readFileSync(resolve(t.dir, rendered));
    const type = t.contentType ?? (lookup(rendered) || 'application/octet-stream');
    hit = { head: Buffer.from(partHead(name, t.filename ?? basename(rendered), type)), bytes };
    if (cache.size < MAX_CACHED_FILES) cache.set(rendered, hit);
  }
  return hit;
}

/** A compiled form: its content type and its body for a user's variables. */
export interface MultipartForm {
  readonly contentType: string;
  readonly isStatic: boolean;
  render(vars: VuVars): Buffer;
}

function quoted(s: string): string {
  return s.replace(/[\r\n"]/g, (c) => encodeURIComponent(c));
}

/** A part's header lines, up to the blank line before its content. */
function partHead(name: string, filename: string | null, type: string | null): string {
  let head = `content-disposition: form-data; name="${quoted(name)}"`;
  if (filename !== null) head += `; filename="${quoted(filename)}"`;
  return head + (type === null ? '\r\n\r\n' : `\r\ncontent-type: ${type}\r\n\r\n`);
}

/** Compiles `formData` (see the module comment); a bad field is a located plan error. */
export function compileForm(formData: Record<string, unknown>, ctx: StepCompileContext, yamlPath: string): MultipartForm {
  const boundary = `agentload-${randomBytes(12).toString('hex')}`;
  const parts: Part[] = [];
  for (const [name, raw] of Object.entries(formData)) {
    const p = `${yamlPath}.formData.${name}`;
    const field = raw !== null && typeof raw === 'object' ? (raw as Record<string | symbol, unknown>) : { value: raw };
    const bytes = field[FORM_FILE_BYTES];
    const dir = field[FORM_FILE_DIR];
    if (typeof dir === 'string') {
      const fileTemplate = {
        path: ctx.template(String(field.fromFile), `${p}.fromFile`), dir,
        filename: typeof field.filename === 'string' ? field.filename : null,
        contentType: typeof field.contentType === 'string' ? field.contentType : null,
      };
      parts.push({ head: null, file: null, value: null, fileTemplate });
      continue;
    }
    if (field.fromFile !== undefined && !Buffer.isBuffer(bytes)) ctx.fail('fromFile was not read when the plan loaded', `${p}.fromFile`);
    const file = Buffer.isBuffer(bytes) ? bytes : null;
    const filename = typeof field.filename === 'string' ? field.filename : file !== null ? basename(String(field.fromFile)) : null;
    const type = typeof field.contentType === 'string' ? field.contentType : file !== null ? (lookup(String(field.fromFile)) || 'application/octet-stream') : null;
    const value = file === null ? ctx.template(`${(field.value ?? '') as string | number | boolean}`, `${p}${raw !== null && typeof raw === 'object' ? '.value' : ''}`) : null;
    parts.push({ head: Buffer.from(partHead(name, filename, type)), file, value, fileTemplate: null });
  }
  const names = Object.keys(formData);
  const opening = Buffer.from(`--${boundary}\r\n`);
  const tail = Buffer.from(`--${boundary}--\r\n`);
  const crlf = Buffer.from('\r\n');
  const cache = new Map<string, { head: Buffer; bytes: Buffer }>();
  const render = (vars: VuVars): Buffer => {
    const chunks: Buffer[] = [];
    parts.forEach((part, i) => {
      if (part.fileTemplate !== null) {
        const f = fileOf(part.fileTemplate, vars, names[i]!, cache);
        chunks.push(opening, f.head, f.bytes, crlf);
      } else chunks.push(opening, part.head!, part.file ?? Buffer.from(part.value!.render(vars)), crlf);
    });
    chunks.push(tail);
    return Buffer.concat(chunks);
  };
  const isStatic = parts.every((part) => part.fileTemplate === null && (part.value === null || part.value.isStatic));
  const staticBody = isStatic ? render({}) : null;
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    isStatic,
    render: staticBody === null ? render : () => staticBody,
  };
}
