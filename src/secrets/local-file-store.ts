import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ConfigError, CryptoError } from '../errors';
import type { SecretStore } from './secret-store';

/**
 * Secrets for the embedded (no cloud) mode: one JSON document, AES-256-GCM encrypted under the master
 * key, so the file on disk never holds a secret in the clear. Writes go to a temp file that is then
 * renamed over the old one, so a crash mid-write leaves either the old or the new file, never half.
 */
export interface LocalFileSecretStoreDeps {
  file: string;
  /** 32 bytes; see loadOrCreateMasterKey. */
  masterKey: Buffer;
}

interface EncryptedFile {
  format: 'erp-insights-secrets';
  v: 1;
  iv: string;
  tag: string;
  ct: string;
}

const IV_BYTES = 12;
// Binds the ciphertext to its purpose, so a blob encrypted under the same key elsewhere cannot pose as this file.
const AAD = Buffer.from('erp-insights/local-secrets/v1');

export function createLocalFileSecretStore({ file, masterKey }: LocalFileSecretStoreDeps): SecretStore {
  if (masterKey.length !== 32) throw new ConfigError(['MASTER_KEY must decode to 32 bytes']);
  const key = Buffer.from(masterKey);
  // Read-modify-write cycles are serialised so two concurrent set() calls cannot lose an update.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  async function readAll(): Promise<Map<string, string>> {
    let raw: string;
    try {
      raw = await fs.readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw err;
    }
    return new Map(Object.entries(decryptDocument(raw, key)));
  }

  async function writeAll(entries: Map<string, string>): Promise<void> {
    const dir = path.dirname(file);
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
    const body = encryptDocument(Object.fromEntries(entries), key);
    const handle = await fs.open(tmp, 'wx', 0o600);
    try {
      await handle.writeFile(body, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await fs.rename(tmp, file);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  }

  return {
    get: (name) => serial(async () => (await readAll()).get(name)),
    set: (name, value) =>
      serial(async () => {
        const entries = await readAll();
        entries.set(name, value);
        await writeAll(entries);
      }),
    delete: (name) =>
      serial(async () => {
        const entries = await readAll();
        if (!entries.delete(name)) return;
        await writeAll(entries);
      }),
    ping: () =>
      serial(async () => {
        await readAll();
      }),
  };
}

function encryptDocument(doc: Record<string, string>, key: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(AAD);
  const ct = Buffer.concat([cipher.update(JSON.stringify(doc), 'utf8'), cipher.final()]);
  const out: EncryptedFile = {
    format: 'erp-insights-secrets',
    v: 1,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ct: ct.toString('base64'),
  };
  return `${JSON.stringify(out)}\n`;
}

function decryptDocument(raw: string, key: Buffer): Record<string, string> {
  let parsed: Partial<EncryptedFile>;
  try {
    parsed = JSON.parse(raw) as Partial<EncryptedFile>;
  } catch {
    throw new CryptoError('Secret file is not valid JSON');
  }
  if (parsed.format !== 'erp-insights-secrets' || parsed.v !== 1 || !parsed.iv || !parsed.tag || !parsed.ct) {
    throw new CryptoError('Secret file has an unknown format');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parsed.iv, 'base64'), { authTagLength: 16 });
    decipher.setAAD(AAD);
    decipher.setAuthTag(Buffer.from(parsed.tag, 'base64'));
    const pt = Buffer.concat([decipher.update(Buffer.from(parsed.ct, 'base64')), decipher.final()]);
    return JSON.parse(pt.toString('utf8')) as Record<string, string>;
  } catch (err) {
    throw new CryptoError(
      'Secret file cannot be decrypted: wrong master key or tampered file. Set MASTER_KEY (or restore the master.key file) to the key it was written with, or restore the secret file from backup',
      { cause: err },
    );
  }
}
