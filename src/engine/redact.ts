/**
 * Keeps credentials out of what agentload writes (reports, logs, error
 * messages): a target such as `https://user:secret@host/?api_key=…` is
 * written as `https://***@host/?api_key=***`. What is sent is not changed;
 * only what is shown is masked.
 */

/** Query parameter names whose values are masked: they usually carry a credential. */
const SECRET_PARAM = /(^|[_-])(token|key|secret|password|passwd|pwd|signature|sig|auth|credential|session)s?$/i;

/**
 * `url` with its userinfo and secret-looking query values replaced by `***`.
 * Text that is not a URL (`sim`, a typo) comes back unchanged, except that
 * anything shaped like `scheme://user:pass@` is still masked.
 */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/i, '$1***@');
  }
  let isChanged = false;
  if (u.username !== '' || u.password !== '') {
    u.username = '***';
    u.password = '';
    isChanged = true;
  }
  for (const name of [...u.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) {
      u.searchParams.set(name, '***');
      isChanged = true;
    }
  }
  if (!isChanged) return url;
  // URL encodes the mask as %2A%2A%2A in the query: show it as written.
  return u.href.replaceAll('%2A%2A%2A', '***');
}

/**
 * Free text (an error message, the start of an answer) with what looks like a
 * credential masked: userinfo in URLs, bearer and basic tokens, and secret-looking
 * `name=value` pairs. Report samples go through it before they are kept.
 */
export function redactText(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1***@')
    .replace(/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 ***')
    .replace(/([?&\s"']|^)([A-Za-z0-9_-]+)(=|":\s*"|:\s+)([^&\s"',}]+)/g, (whole, lead: string, name: string, sep: string) =>
      (SECRET_PARAM.test(name) ? `${lead}${name}${sep}***` : whole));
}
