import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../src/errors';
import { loadOrCreateMasterKey } from '../../src/secrets/master-key';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'master-key-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const keyFile = (): string => path.join(root, 'data', 'master.key');

describe('master key', () => {
  it('uses the MASTER_KEY value when given, without touching the file', () => {
    const key = randomBytes(32);
    expect(loadOrCreateMasterKey({ envValue: key.toString('base64'), file: keyFile(), allowGenerate: false }).equals(key)).toBe(true);
    expect(fs.existsSync(keyFile())).toBe(false);
  });

  it.each(['not base64!', randomBytes(16).toString('base64')])('rejects a bad MASTER_KEY value %#', (value) => {
    const err = (() => {
      try {
        loadOrCreateMasterKey({ envValue: value, file: keyFile(), allowGenerate: true });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).issues[0]).toContain('MASTER_KEY');
    expect((err as Error).message).not.toContain(value);
  });

  it('generates a 0600 key file in development and reuses it on the next start', () => {
    const first = loadOrCreateMasterKey({ file: keyFile(), allowGenerate: true });
    expect(first).toHaveLength(32);
    expect(fs.statSync(keyFile()).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(keyFile())).mode & 0o777).toBe(0o700);
    const second = loadOrCreateMasterKey({ file: keyFile(), allowGenerate: true });
    expect(second.equals(first)).toBe(true);
  });

  it('refuses to generate a key in production and names MASTER_KEY', () => {
    const call = () => loadOrCreateMasterKey({ file: keyFile(), allowGenerate: false });
    expect(call).toThrow(ConfigError);
    expect(call).toThrow(/MASTER_KEY/);
    expect(fs.existsSync(keyFile())).toBe(false);
  });

  it('reads an existing key file in production', () => {
    const generated = loadOrCreateMasterKey({ file: keyFile(), allowGenerate: true });
    expect(loadOrCreateMasterKey({ file: keyFile(), allowGenerate: false }).equals(generated)).toBe(true);
  });

  it('refuses a key file that group or others can read', () => {
    loadOrCreateMasterKey({ file: keyFile(), allowGenerate: true });
    fs.chmodSync(keyFile(), 0o644);
    expect(() => loadOrCreateMasterKey({ file: keyFile(), allowGenerate: true })).toThrow(/chmod 600/);
  });

  it('does not replace a lost key while the secret file it encrypted still exists', () => {
    const secretsFile = path.join(root, 'data', 'secrets.enc');
    loadOrCreateMasterKey({ file: keyFile(), allowGenerate: true, encrypts: secretsFile });
    fs.writeFileSync(secretsFile, '{}\n');
    fs.rmSync(keyFile());
    const call = () => loadOrCreateMasterKey({ file: keyFile(), allowGenerate: true, encrypts: secretsFile });
    expect(call).toThrow(ConfigError);
    expect(call).toThrow(/master\.key is missing or empty, but secrets\.enc was encrypted with it: restore the key file/);
    expect(fs.existsSync(keyFile())).toBe(false);
  });
});
