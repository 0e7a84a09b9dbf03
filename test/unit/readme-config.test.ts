import fs from 'node:fs';
import { configKeys } from '../../src/config';

describe('README configuration table', () => {
  it('documents every setting the config schema accepts', () => {
    const readme = fs.readFileSync('README.md', 'utf8');
    const missing = configKeys.filter((key) => !readme.includes(`\`${key}\``));
    expect(configKeys.length).toBeGreaterThan(40);
    expect(missing).toEqual([]);
  });

  it('starts with the two commands for a fresh machine', () => {
    const readme = fs.readFileSync('README.md', 'utf8');
    const firstBlock = readme.split('```')[1] ?? '';
    expect(firstBlock).toContain('npm ci && npm run demo');
    expect(firstBlock).toContain('npm test');
  });
});
