/**
 * A request's `formData` as a multipart/form-data body (RFC 7578), the form
 * Artillery sends: each field a part; a `fromFile` field the file's bytes,
 * read once when the plan loads (the loader hands them over under
 * FORM_FILE_BYTES), named by the file's base name and typed by the file's
 * extension as form-data (Artillery's encoder) does, whatever `filename` says. Compiled once; a form with no
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
import { basename } from 'node:path';
import { lookup } from 'mime-types';
import type { StepCompileContext, Template, VuVars } from '../../engine/contracts.ts';

/** Where the plan loader leaves a `fromFile` field's bytes (a registry symbol: the loader and this engine share no module). */
export const FORM_FILE_BYTES: unique symbol = Symbol.for('agentload.formFileBytes') as never;

interface Part {
  /** The part's header lines, rendered once. */
  readonly head: Buffer;
  /** A file's bytes, or null for a text field. */
  readonly file: Buffer | null;
  readonly value: Template | null;
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

/** Compiles `formData` (see the module comment); a bad field is a located plan error. */
export function compileForm(formData: Record<string, unknown>, ctx: StepCompileContext, yamlPath: string): MultipartForm {
  const boundary = `agentload-${randomBytes(12).toString('hex')}`;
  const parts: Part[] = [];
  for (const [name, raw] of Object.entries(formData)) {
    const p = `${yamlPath}.formData.${name}`;
    const field = raw !== null && typeof raw === 'object' ? (raw as Record<string | symbol, unknown>) : { value: raw };
    const bytes = field[FORM_FILE_BYTES];
    if (field.fromFile !== undefined && !Buffer.isBuffer(bytes)) ctx.fail('fromFile was not read when the plan loaded', `${p}.fromFile`);
    const file = Buffer.isBuffer(bytes) ? bytes : null;
    const filename = typeof field.filename === 'string' ? field.filename : file !== null ? basename(String(field.fromFile)) : null;
    const type = typeof field.contentType === 'string' ? field.contentType : file !== null ? (lookup(String(field.fromFile)) || 'application/octet-stream') : null;
    let head = `--${boundary}\r\ncontent-disposition: form-data; name="${quoted(name)}"`;
    if (filename !== null) head += `; filename="${quoted(filename)}"`;
    head += type === null ? '\r\n\r\n' : `\r\ncontent-type: ${type}\r\n\r\n`;
    const value = file === null ? ctx.template(String(field.value ?? ''), `${p}${raw !== null && typeof raw === 'object' ? '.value' : ''}`) : null;
    parts.push({ head: Buffer.from(head), file, value });
  }
  const tail = Buffer.from(`--${boundary}--\r\n`);
  const crlf = Buffer.from('\r\n');
  const render = (vars: VuVars): Buffer => {
    const chunks: Buffer[] = [];
    for (const part of parts) chunks.push(part.head, part.file ?? Buffer.from(part.value!.render(vars)), crlf);
    chunks.push(tail);
    return Buffer.concat(chunks);
  };
  const isStatic = parts.every((part) => part.value === null || part.value.isStatic);
  const staticBody = isStatic ? render({}) : null;
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    isStatic,
    render: staticBody === null ? render : () => staticBody,
  };
}
