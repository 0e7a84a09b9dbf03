import fs from 'node:fs';
import path from 'node:path';
import dotenv from 'dotenv';
import { configKeys, loadConfig } from '../../src/config';

const example = fs.readFileSync(path.resolve(__dirname, '../../.env.example'), 'utf8');

describe('.env.example', () => {
  it('lists every setting of the config schema, and nothing else', () => {
    const listed = [...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    expect([...listed].sort()).toEqual([...configKeys].sort());
    expect(new Set(listed).size).toBe(listed.length);
  });

  it('is a valid configuration as it stands, with the schema defaults', () => {
    const fromExample = loadConfig(dotenv.parse(example));
    expect(fromExample).toEqual(loadConfig({}));
  });
});
