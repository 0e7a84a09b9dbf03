/**
 * `npm run build` step after tsc: tsc emits only JavaScript, but templates, stylesheets and word lists
 * are read at runtime relative to the compiled module's __dirname, so every non-TypeScript file of the
 * code folders is copied to the same relative place under dist/.
 */
import fs from 'node:fs';
import path from 'node:path';

export const CODE_FOLDERS = ['src', 'jobs', 'integrations'] as const;

function isAsset(file: string): boolean {
  return !file.endsWith('.ts');
}

/** Paths relative to `root` of every runtime asset, sorted. */
export function runtimeAssets(root: string): string[] {
  return CODE_FOLDERS.flatMap((folder) => {
    const dir = path.join(root, folder);
    if (!fs.existsSync(dir)) return [];
    return fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && isAsset(entry.name))
      .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
  }).sort();
}

export function copyRuntimeAssets(root: string, outDir: string): string[] {
  const assets = runtimeAssets(root);
  for (const asset of assets) {
    const target = path.join(outDir, asset);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(root, asset), target);
  }
  return assets;
}

if (require.main === module) {
  const root = process.cwd();
  const copied = copyRuntimeAssets(root, path.join(root, 'dist'));
  console.log(`Copied ${copied.length} runtime assets into dist/.`);
}
