import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CODE_FOLDERS, copyRuntimeAssets } from '../../src/cli/build-assets';

const root = path.resolve(__dirname, '../..');

function sourceFiles(): string[] {
  return CODE_FOLDERS.flatMap((folder) =>
    fs
      .readdirSync(path.join(root, folder), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => path.join(e.parentPath, e.name)),
  );
}

/** Every file or folder the code opens relative to its own module: `path.join(__dirname, 'x')`. */
function dirnameReads(): string[] {
  return sourceFiles().flatMap((file) =>
    [...fs.readFileSync(file, 'utf8').matchAll(/path\.join\(__dirname,\s*'([^']+)'\)/g)].map((m) =>
      path.relative(root, path.join(path.dirname(file), m[1] ?? '')),
    ),
  );
}

function filesUnder(dir: string): string[] {
  return fs.statSync(dir).isDirectory() ? fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort() : [path.basename(dir)];
}

describe('build assets copied next to the compiled code', () => {
  let out: string;
  beforeAll(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'build-assets-'));
    copyRuntimeAssets(root, out);
  });
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  it('finds the runtime reads it must cover', () => {
    expect(dirnameReads()).toEqual(
      expect.arrayContaining([
        path.join('src', 'web', 'views'),
        path.join('src', 'web', 'public'),
        path.join('src', 'email', 'templates'),
        path.join('src', 'auth', 'common-passwords.txt'),
      ]),
    );
  });

  it('puts every file the code reads from its __dirname at the same place in the output', () => {
    for (const rel of dirnameReads()) {
      expect([rel, fs.existsSync(path.join(out, rel))]).toEqual([rel, true]);
      expect(filesUnder(path.join(out, rel)).filter((f) => !f.endsWith('.ts'))).toEqual(filesUnder(path.join(root, rel)).filter((f) => !f.endsWith('.ts')));
    }
  });

  it('copies no TypeScript source', () => {
    const copied = fs.readdirSync(out, { recursive: true, encoding: 'utf8' });
    expect(copied.filter((f) => f.endsWith('.ts'))).toEqual([]);
  });
});
