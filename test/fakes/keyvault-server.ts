import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A local HTTPS stand-in for the Azure Key Vault secrets API (the subset SecretClient uses for
 * get/set/delete/purge/recover), including the bearer challenge the SDK expects on its first request.
 * Error bodies are the service's: a name held by a soft-deleted copy answers 409 with inner error
 * ObjectIsDeletedButRecoverable, and with purge protection on a purge answers 403.
 */
export interface FakeKeyVault {
  url: string;
  /** PEM of the self-signed certificate, to pass as the client's trusted CA. */
  ca: string;
  /** Live secrets: name → values, newest last. */
  secrets: Map<string, string[]>;
  /** Soft-deleted secrets awaiting purge or recovery: name → values. */
  deleted: Map<string, string[]>;
  requests: { method: string; path: string; authorized: boolean }[];
  /** The next `count` authorised requests (to `onPath` only, if given) answer `status` with a Key Vault error body. */
  failNext(status: number, count?: number, onPath?: string): void;
  close(): Promise<void>;
}

export interface FakeKeyVaultOptions {
  cert: { cert: string; key: string };
  /** The bearer token the fake accepts. */
  token: string;
  tenantId: string;
  /** Like a vault with enablePurgeProtection: soft-deleted secrets can be recovered but not purged. */
  purgeProtection?: boolean;
}

/** node has no certificate generator; openssl is on the machine. Only for tests. */
export function createSelfSignedCert(): { cert: string; key: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kv-cert-'));
  try {
    const keyFile = path.join(dir, 'key.pem');
    const certFile = path.join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile,
        '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
      { stdio: 'ignore' },
    );
    return { cert: fs.readFileSync(certFile, 'utf8'), key: fs.readFileSync(keyFile, 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function startFakeKeyVault(options: FakeKeyVaultOptions): Promise<FakeKeyVault> {
  const secrets = new Map<string, string[]>();
  const deleted = new Map<string, string[]>();
  const requests: FakeKeyVault['requests'] = [];
  let failures: { status: number; remaining: number; onPath?: string } | undefined;
  let base = '';
  const recoveryLevel = options.purgeProtection ? 'Recoverable' : 'Recoverable+Purgeable';

  const bundle = (name: string, values: string[], version = values.length) => ({
    value: values[version - 1],
    id: `${base}/secrets/${name}/${versionId(version)}`,
    attributes: { enabled: true, created: 1767225600, updated: 1767225600, recoveryLevel },
  });
  const deletedBundle = (name: string, values: string[]) => ({
    ...bundle(name, values),
    recoveryId: `${base}/deletedsecrets/${name}`,
    deletedDate: 1767225600,
    scheduledPurgeDate: 1774915200,
  });

  const server = https.createServer({ cert: options.cert.cert, key: options.cert.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', base);
      const method = req.method ?? 'GET';
      const authorized = req.headers.authorization === `Bearer ${options.token}`;
      requests.push({ method, path: url.pathname, authorized });
      const send = (status: number, body?: unknown) => {
        res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
        res.end(body === undefined ? undefined : JSON.stringify(body));
      };
      const notFound = (what: string) => send(404, { error: { code: `${what}NotFound`, message: `${what} not found` } });

      if (!authorized) {
        res.writeHead(401, {
          'www-authenticate': `Bearer authorization="https://login.microsoftonline.com/${options.tenantId}", resource="https://vault.azure.net"`,
          'content-type': 'application/json',
        });
        res.end(JSON.stringify({ error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' } }));
        return;
      }
      if (failures && failures.remaining > 0 && (failures.onPath === undefined || failures.onPath === url.pathname)) {
        failures.remaining -= 1;
        send(failures.status, { error: { code: 'Injected', message: 'injected failure' } });
        return;
      }

      const [, collection, name, version] = url.pathname.split('/');
      if (!name) return notFound('Resource');
      if (collection === 'secrets') {
        const values = secrets.get(name);
        if (method === 'PUT') {
          if (deleted.has(name)) {
            return send(409, {
              error: {
                code: 'Conflict',
                message: `Secret ${name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.`,
                innererror: { code: 'ObjectIsDeletedButRecoverable' },
              },
            });
          }
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { value: string };
          const next = [...(values ?? []), body.value];
          secrets.set(name, next);
          return send(200, bundle(name, next));
        }
        if (!values) return notFound('Secret');
        if (method === 'GET') {
          if (!version) return send(200, bundle(name, values));
          const index = values.findIndex((_, i) => versionId(i + 1) === version);
          return index < 0 ? notFound('Secret') : send(200, bundle(name, values, index + 1));
        }
        if (method === 'DELETE') {
          secrets.delete(name);
          deleted.set(name, values);
          return send(200, deletedBundle(name, values));
        }
      }
      if (collection === 'deletedsecrets') {
        const values = deleted.get(name);
        if (!values) return notFound('DeletedSecret');
        if (method === 'GET' && !version) return send(200, deletedBundle(name, values));
        if (method === 'POST' && version === 'recover') {
          deleted.delete(name);
          secrets.set(name, values);
          return send(200, bundle(name, values));
        }
        if (method === 'DELETE' && !version) {
          if (options.purgeProtection) {
            return send(403, {
              error: {
                code: 'Forbidden',
                message: 'Operation "purge" is not allowed because purge protection is enabled for this vault. Key Vault service will automatically purge it after the retention period has passed.',
                innererror: { code: 'ForbiddenByPolicy' },
              },
            });
          }
          deleted.delete(name);
          return send(204);
        }
      }
      send(405, { error: { code: 'MethodNotAllowed', message: 'not supported by the fake' } });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    ca: options.cert.cert,
    secrets,
    deleted,
    requests,
    failNext: (status, count = 1, onPath) => {
      failures = { status, remaining: count, onPath };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

const versionSalt = randomBytes(4).toString('hex');
function versionId(version: number): string {
  return `${versionSalt}${String(version).padStart(24, '0')}`;
}
