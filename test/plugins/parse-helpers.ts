/**
 * Small strict readers for the reporter tests: RFC 4180 CSV, an XML
 * well-formedness check, and the Prometheus text exposition format. Written
 * here (not borrowed from the code under test) so a test never parses
 * output with the same code that wrote it.
 */

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, \n or \r\n) into rows of strings. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (c === '"') { quoted = false; i++; continue; }
      field += c; i++; continue;
    }
    if (c === '"' && field === '') { quoted = true; i++; continue; }
    if (c === ',') { row.push(field); field = ''; i++; continue; }
    if (c === '\r' && text[i + 1] === '\n') i++;
    if (c === '\n' || c === '\r') { row.push(field); rows.push(row); row = []; field = ''; i++; continue; }
    field += c; i++;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

/** CSV rows as objects keyed by the header row. */
export function csvRecords(text: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => {
    if (r.length !== header!.length) throw new Error(`row has ${r.length} fields, header ${header!.length}: ${r.join(',')}`);
    return Object.fromEntries(header!.map((h, k) => [h, r[k]!]));
  });
}

/** An XML element as the checker sees it. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

function unescapeXml(s: string): string {
  if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(s)) throw new Error(`bad entity in ${JSON.stringify(s.slice(0, 40))}`);
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/**
 * Parses a well-formed XML document (declaration, elements, attributes,
 * text, self-closing tags); throws on anything malformed — unbalanced tags,
 * unquoted or duplicate attributes, raw `<` or `&` in text.
 */
export function parseXml(doc: string): XmlElement {
  let s = doc.replace(/^<\?xml[^?]*\?>\s*/, '');
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  while (s.length > 0) {
    if (s.startsWith('</')) {
      const m = /^<\/([A-Za-z_][\w.-]*)\s*>/.exec(s);
      const top = stack.pop();
      if (!m || !top || top.name !== m[1]) throw new Error(`unbalanced close tag near ${JSON.stringify(s.slice(0, 40))}`);
      s = s.slice(m[0].length);
      continue;
    }
    if (s.startsWith('<')) {
      const m = /^<([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*\s*=\s*"[^"<]*")*)\s*(\/?)>/.exec(s);
      if (!m) throw new Error(`malformed tag near ${JSON.stringify(s.slice(0, 60))}`);
      const attrs: Record<string, string> = {};
      for (const a of m[2]!.matchAll(/([A-Za-z_][\w.-]*)\s*=\s*"([^"]*)"/g)) {
        if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]}`);
        attrs[a[1]!] = unescapeXml(a[2]!);
      }
      const el: XmlElement = { name: m[1]!, attrs, children: [], text: '' };
      if (stack.length === 0) {
        if (root !== null) throw new Error('more than one root element');
        root = el;
      } else stack[stack.length - 1]!.children.push(el);
      if (m[3] !== '/') stack.push(el);
      s = s.slice(m[0].length);
      continue;
    }
    const end = s.indexOf('<');
    const text = end < 0 ? s : s.slice(0, end);
    if (stack.length === 0 && text.trim() !== '') throw new Error('text outside the root element');
    if (stack.length > 0) stack[stack.length - 1]!.text += unescapeXml(text);
    s = end < 0 ? '' : s.slice(end);
  }
  if (stack.length > 0 || root === null) throw new Error(`unclosed element ${stack.at(-1)?.name ?? '(none)'}`);
  return root;
}

/** One sample of a Prometheus text exposition. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format (0.0.4): HELP/TYPE comments skipped, samples returned. */
export function parseExposition(text: string): { samples: PromSample[]; types: Map<string, string> } {
  const samples: PromSample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      types.set(name!, type!);
      continue;
    }
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`bad exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, '$1');
    samples.push({ name: m[1]!, labels, value: m[3] === '+Inf' ? Infinity : Number(m[3]) });
  }
  return { samples, types };
}
