/**
 * `npm run bench -- <name> [--flag value …]` runs bench/<name>.ts, which prints JSON lines.
 * Benchmarks are never part of `npm test`.
 */
const benches: Record<string, () => Promise<{ run(args: string[]): Promise<void> }>> = {
  sync: () => import('./sync'),
  insights: () => import('./insights'),
  pipeline: () => import('./pipeline'),
  http: () => import('./http'),
  'http-sync': () => import('./http-sync'),
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const load = name ? benches[name] : undefined;
  if (!load) {
    console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [options]`);
    process.exit(2);
  }
  await (await load()).run(args);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
