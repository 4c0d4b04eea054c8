/**
 * A key and a self-signed certificate for 127.0.0.1, made by openssl when a
 * test asks (valid one day), for TLS servers the client must refuse by
 * default and accept under `config.tls.rejectUnauthorized: false` or `-k`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from './scratch-dir.ts';

/** See the module comment. The files live in a scratch folder removed at exit. */
export function selfSigned(): { key: Buffer; cert: Buffer } {
  const dir = scratchDir('agentload-tls-');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
  return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
}
