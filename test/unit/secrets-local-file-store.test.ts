import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, CryptoError } from '../../src/errors';
import { createLocalFileSecretStore } from '../../src/secrets/local-file-store';

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'secrets-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const fileIn = (): string => path.join(root, 'data', 'secrets.json');

describe('local file secret store', () => {
  it('stores, reads and deletes secrets across instances', async () => {
    const masterKey = randomBytes(32);
    const store = createLocalFileSecretStore({ file: fileIn(), masterKey });
    expect(await store.get('erp--t-1')).toBeUndefined();
    await store.set('erp--t-1', 'client-secret-value');
    await store.set('kek--v1', 'a2V5');
    const reopened = createLocalFileSecretStore({ file: fileIn(), masterKey });
    expect(await reopened.get('erp--t-1')).toBe('client-secret-value');
    await reopened.delete('erp--t-1');
    await reopened.delete('erp--t-1');
    expect(await store.get('erp--t-1')).toBeUndefined();
    expect(await store.get('kek--v1')).toBe('a2V5');
  });

  it('writes a 0600 file in a 0700 directory with no secret or name in the clear', async () => {
    const store = createLocalFileSecretStore({ file: fileIn(), masterKey: randomBytes(32) });
    await store.set('erp-client-secret--t-1', 'Sup3r-Secret-Value');
    expect(fs.statSync(fileIn()).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(fileIn())).mode & 0o777).toBe(0o700);
    const raw = fs.readFileSync(fileIn(), 'utf8');
    expect(raw).not.toContain('Sup3r-Secret-Value');
    expect(raw).not.toContain(Buffer.from('Sup3r-Secret-Value').toString('base64'));
    expect(raw).not.toContain('erp-client-secret');
    expect(JSON.parse(raw)).toMatchObject({ format: 'erp-insights-secrets', v: 1 });
  });

  it('leaves no temp files behind and loses no update under concurrent writes', async () => {
    const store = createLocalFileSecretStore({ file: fileIn(), masterKey: randomBytes(32) });
    await Promise.all(Array.from({ length: 25 }, (_, i) => store.set(`s-${i}`, `v-${i}`)));
    for (let i = 0; i < 25; i += 1) expect(await store.get(`s-${i}`)).toBe(`v-${i}`);
    expect(fs.readdirSync(path.dirname(fileIn()))).toEqual(['secrets.json']);
  });

  it('refuses a wrong master key and a tampered file with a CryptoError', async () => {
    const store = createLocalFileSecretStore({ file: fileIn(), masterKey: randomBytes(32) });
    await store.set('a', 'b');
    const wrong = createLocalFileSecretStore({ file: fileIn(), masterKey: randomBytes(32) });
    await expect(wrong.get('a')).rejects.toBeInstanceOf(CryptoError);
    await expect(wrong.ping()).rejects.toBeInstanceOf(CryptoError);

    const doc = JSON.parse(fs.readFileSync(fileIn(), 'utf8')) as { ct: string };
    const ct = Buffer.from(doc.ct, 'base64');
    ct[0] = (ct[0] ?? 0) ^ 1;
    fs.writeFileSync(fileIn(), JSON.stringify({ ...doc, ct: ct.toString('base64') }));
    await expect(store.get('a')).rejects.toBeInstanceOf(CryptoError);
    fs.writeFileSync(fileIn(), 'not json');
    await expect(store.get('a')).rejects.toBeInstanceOf(CryptoError);
  });

  it('pings a store that has no file yet, and fails ping on an unreadable path', async () => {
    await expect(createLocalFileSecretStore({ file: fileIn(), masterKey: randomBytes(32) }).ping()).resolves.toBeUndefined();
    fs.mkdirSync(path.join(root, 'dir-not-file'));
    const broken = createLocalFileSecretStore({ file: path.join(root, 'dir-not-file'), masterKey: randomBytes(32) });
    await expect(broken.ping()).rejects.toThrow();
  });

  it('rejects a master key that is not 32 bytes', () => {
    expect(() => createLocalFileSecretStore({ file: fileIn(), masterKey: randomBytes(16) })).toThrow(ConfigError);
  });
});
