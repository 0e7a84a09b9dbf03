import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors';

/**
 * The root key of the embedded mode: it encrypts the local secret file, which in turn holds the
 * key-encryption key. Production supplies it (MASTER_KEY) or uses Key Vault instead; only a
 * development machine may mint one on first run, because a generated key that is lost with its
 * container makes every encrypted value unreadable.
 */
export interface MasterKeyOptions {
  /** Base64 of 32 bytes, from the MASTER_KEY setting; wins over the file. */
  envValue?: string;
  file: string;
  allowGenerate: boolean;
  /** The file encrypted under this key: while it exists, a lost key is never replaced by a new one. */
  encrypts?: string;
}

const KEY_BYTES = 32;

export function loadOrCreateMasterKey({ envValue, file, allowGenerate, encrypts }: MasterKeyOptions): Buffer {
  if (envValue !== undefined && envValue.trim() !== '') {
    return decodeKey(envValue, 'MASTER_KEY must be base64 of exactly 32 bytes');
  }
  const existing = readKeyFile(file);
  if (existing) return existing;
  if (encrypts !== undefined && fs.existsSync(encrypts)) {
    // A new key would leave every stored secret (ERP credentials, the data keys' root) unreadable.
    throw new ConfigError([
      `MASTER_KEY: the key file ${path.basename(file)} is missing or empty, but ${path.basename(encrypts)} was encrypted with it: ` +
        'restore the key file from backup or set MASTER_KEY to that key (a new key is not generated)',
    ]);
  }
  if (!allowGenerate) {
    throw new ConfigError([
      'MASTER_KEY is required: set it to base64 of 32 random bytes (a key is only generated in development)',
    ]);
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const key = randomBytes(KEY_BYTES);
  try {
    // 'wx' fails if another process created the file first; its key then wins and is read back.
    fs.writeFileSync(file, `${key.toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const raced = readKeyFile(file);
    if (raced) return raced;
    throw new ConfigError(['MASTER_KEY file exists but is empty']);
  }
  return key;
}

function readKeyFile(file: string): Buffer | undefined {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  if (raw.trim() === '') return undefined;
  if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o077) !== 0) {
    throw new ConfigError(['MASTER_KEY file is readable by group or others: chmod 600 it']);
  }
  return decodeKey(raw, 'MASTER_KEY file must hold base64 of exactly 32 bytes');
}

function decodeKey(value: string, issue: string): Buffer {
  const trimmed = value.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) throw new ConfigError([issue]);
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES) throw new ConfigError([issue]);
  return key;
}
