/**
 * Deployment invariants checked on the TEXT of infra/: no Bicep compiler and no Docker engine are
 * available offline, so each rule is a small parser plus a check that returns the problems it finds.
 * Every check is also run on a bad sample to prove it would catch a regression.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const infraDir = path.resolve(__dirname, '../../infra');
const read = (rel: string): string => readFileSync(path.join(infraDir, rel), 'utf8');

/** Removes // and block comments outside of single-quoted Bicep strings. */
function stripComments(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const two = src.slice(i, i + 2);
    if (src[i] === "'") {
      const close = src.startsWith("'''", i) ? src.indexOf("'''", i + 3) + 3 : stringEnd(src, i);
      out += src.slice(i, close);
      i = close;
    } else if (two === '//') {
      i = src.includes('\n', i) ? src.indexOf('\n', i) : src.length;
    } else if (two === '/*') {
      i = src.indexOf('*/', i + 2) + 2;
    } else {
      out += src[i++];
    }
  }
  return out;
}

function stringEnd(src: string, start: number): number {
  let i = start + 1;
  while (i < src.length && src[i] !== "'") i += src[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** Index just past the brace that closes the one at `open`, skipping strings. */
function matchBrace(src: string, open: number): number {
  let depth = 0;
  for (let i = open; i < src.length; i += 1) {
    if (src[i] === "'") i = stringEnd(src, i) - 1;
    else if (src[i] === '{') depth += 1;
    else if (src[i] === '}' && --depth === 0) return i + 1;
  }
  throw new Error(`unbalanced braces from offset ${open}`);
}

type Block = { target: string; existing: boolean; body: string };

/** `resource x 'Type@version' = ... {` or `module x 'path.bicep' = {` blocks with their bodies. */
function blocks(src: string, keyword: 'resource' | 'module'): Block[] {
  const head = new RegExp(`\\b${keyword}\\s+\\w+\\s+'([^']+)'\\s*(existing\\s*)?=\\s*(?:\\[for [^:]+:\\s*)?(?:if\\s*\\([^)]*\\)\\s*)?\\{`, 'g');
  return [...src.matchAll(head)].map((m) => {
    const open = (m.index ?? 0) + m[0].length - 1;
    return { target: m[1] ?? '', existing: m[2] !== undefined, body: src.slice(open, matchBrace(src, open)) };
  });
}

type Param = { name: string; defaultValue: string | undefined };

const params = (src: string): Param[] =>
  [...src.matchAll(/^\s*param\s+(\w+)(?:[ \t]+\w+)?(?:[ \t]*=[ \t]*(.+))?$/gm)].map((m) => ({ name: m[1] ?? '', defaultValue: m[2]?.trim() }));

/** Values of every `key: value` line inside a block body. */
const values = (body: string, key: string): string[] =>
  [...body.matchAll(new RegExp(`\\b${key}:\\s*([^\\n]+)`, 'g'))].map((m) => (m[1] ?? '').trim());

function resourcesOfType(files: Map<string, string>, type: string): Block[] {
  return [...files.values()].flatMap((src) => blocks(src, 'resource')).filter((b) => !b.existing && b.target.split('@')[0] === type);
}

/** Parameters that look like they hold a credential value rather than the name of one. */
function secretParamProblems(src: string): string[] {
  const problems: string[] = [];
  if (/@secure\s*\(/.test(src)) problems.push('@secure() parameter present');
  for (const p of params(src)) {
    const credentialLike = /password|passwd|pwd|(secret|key|token|connectionstring|credential)s?$/i.test(p.name);
    if (credentialLike && p.defaultValue !== undefined) problems.push(`param ${p.name} has a default value`);
  }
  return problems;
}

function literalCredentialProblems(src: string): string[] {
  const rules: Array<[RegExp, string]> = [
    [/\b(password|pwd)\s*=\s*[^;'"\s}]+/i, 'connection-string password'],
    [/\b(AccountKey|SharedAccessKey)=/i, 'storage or bus key'],
    [/administratorLoginPassword|sharedKey\s*:|\blistKeys\s*\(|\blistCredentials\s*\(/, 'credential pulled into the template'],
    [/\bsecretRef\s*:/, 'Container Apps secret'],
  ];
  return rules.filter(([re]) => re.test(src)).map(([, what]) => what);
}

type Stage = { name: string; image: string; instructions: string[] };

function dockerStages(text: string): Stage[] {
  const lines = text.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    const arg = /^ARG\s+(\w+)=(\S+)/i.exec(line);
    if (arg && stages.length === 0) args.set(arg[1] ?? '', arg[2] ?? '');
    if (from) {
      const image = (from[1] ?? '').replace(/\$\{(\w+)\}/g, (_, n: string) => args.get(n) ?? '');
      stages.push({ name: from[2] ?? String(stages.length), image, instructions: [] });
    } else stages.at(-1)?.instructions.push(line);
  }
  return stages;
}

function dockerfileProblems(text: string): string[] {
  const stages = dockerStages(text);
  const problems: string[] = [];
  if (stages.length < 2) problems.push('not multi-stage');
  for (const s of stages) {
    if (!/^node:20\.\d+\.\d+-bookworm-slim$/.test(s.image)) problems.push(`stage ${s.name}: unpinned image ${s.image}`);
  }
  const final = stages.at(-1);
  if (!final) return [...problems, 'no stage'];
  const all = stages.flatMap((s) => s.instructions);
  if (all.some((i) => /^(COPY|ADD)\b.*(^|\s|\/)\.env\b/i.test(i))) problems.push('.env copied into the image');
  const user = final.instructions.filter((i) => /^USER\s/i.test(i)).at(-1)?.split(/\s+/)[1];
  if (!user || /^(root|0)(:|$)/.test(user)) problems.push('runtime stage runs as root');
  if (!final.instructions.some((i) => /^HEALTHCHECK\s+(?!NONE)/i.test(i))) problems.push('no HEALTHCHECK');
  const modulesFrom = final.instructions
    .map((i) => /^COPY\s+--from=(\S+)\s+(?:--\S+\s+)*\S*node_modules\b/i.exec(i)?.[1])
    .find((s) => s !== undefined);
  const installs = modulesFrom === undefined ? final.instructions : stages.find((s) => s.name === modulesFrom)?.instructions ?? [];
  const pruned = installs.some((i) => /^RUN\b.*npm (prune|ci)\b[^&;|]*--omit=dev/.test(i));
  if (!pruned) problems.push('runtime node_modules not pruned of dev dependencies');
  if (!final.instructions.includes('CMD ["node", "dist/src/main.js", "serve"]')) problems.push('unexpected CMD');
  return problems;
}

const modules = readdirSync(path.join(infraDir, 'modules')).filter((f) => f.endsWith('.bicep')).map((f) => `modules/${f}`);
const bicepFiles = new Map<string, string>(['main.bicep', ...modules].map((f) => [f, stripComments(read(f))]));
const paramFiles = readdirSync(path.join(infraDir, 'parameters')).map((f) => `parameters/${f}`);
const main = bicepFiles.get('main.bicep') ?? '';
const mainParam = (name: string): Param | undefined => params(main).find((p) => p.name === name);

/** The value main.bicep passes to a module parameter, resolved to main's parameter default. */
function passedToModule(modulePath: string, name: string): string | undefined {
  const call = blocks(main, 'module').find((b) => b.target === modulePath);
  const expr = call ? values(call.body, name)[0] : undefined;
  return expr !== undefined && /^\w+$/.test(expr) && mainParam(expr) ? mainParam(expr)?.defaultValue : expr;
}

const only = <T>(items: T[]): T => {
  expect(items).toHaveLength(1);
  return items[0] as T;
};

describe('Azure SQL', () => {
  const server = (): Block => only(resourcesOfType(bicepFiles, 'Microsoft.Sql/servers'));

  it('accepts Entra ID identities only, administered by a group, over TLS 1.2', () => {
    expect(values(server().body, 'azureADOnlyAuthentication')).toEqual(['true']);
    expect(values(server().body, 'principalType')).toEqual(["'Group'"]);
    expect(values(server().body, 'minimalTlsVersion')).toEqual(["'1.2'"]);
    const entraOnly = only(resourcesOfType(bicepFiles, 'Microsoft.Sql/servers/azureADOnlyAuthentications'));
    expect(values(entraOnly.body, 'azureADOnlyAuthentication')).toEqual(['true']);
    expect(server().body).not.toMatch(/administratorLogin\s*:/);
  });

  it('keeps public access off unless operator ranges are given, and never opens it to all of Azure', () => {
    expect(values(server().body, 'publicNetworkAccess')).toEqual(["empty(operatorIpRanges) ? 'Disabled' : 'Enabled'"]);
    expect(passedToModule('modules/sql.bicep', 'operatorIpRanges')).toBe('[]');
    expect([...bicepFiles.values()].join('\n')).not.toMatch(/IpAddress:\s*'0\.0\.0\.0'|AllowAllWindowsAzureIps/);
    const endpoint = blocks(bicepFiles.get('modules/sql.bicep') ?? '', 'module').find((b) => b.target === 'private-endpoint.bicep');
    expect(values(endpoint?.body ?? '', 'groupId')).toEqual(["'sqlServer'"]);
  });

  it('encrypts the database (TDE) and keeps a point-in-time restore window', () => {
    const tde = only(resourcesOfType(bicepFiles, 'Microsoft.Sql/servers/databases/transparentDataEncryption'));
    expect(values(tde.body, 'state')).toEqual(["'Enabled'"]);
    const pitr = only(resourcesOfType(bicepFiles, 'Microsoft.Sql/servers/databases/backupShortTermRetentionPolicies'));
    expect(values(pitr.body, 'retentionDays')).toEqual(['pitrRetentionDays']);
    expect(Number(mainParam('pitrRetentionDays')?.defaultValue)).toBeGreaterThanOrEqual(7);
  });
});

describe('Key Vault', () => {
  const vault = (): Block => only(resourcesOfType(bicepFiles, 'Microsoft.KeyVault/vaults'));

  it('uses RBAC, soft delete for 90 days and purge protection', () => {
    expect(values(vault().body, 'enableRbacAuthorization')).toEqual(['true']);
    expect(values(vault().body, 'enableSoftDelete')).toEqual(['true']);
    expect(values(vault().body, 'enablePurgeProtection')).toEqual(['true']);
    expect(values(vault().body, 'softDeleteRetentionInDays')).toEqual(['90']);
    expect(values(vault().body, 'defaultAction')).toEqual(["'Deny'"]);
    expect(vault().body).not.toMatch(/accessPolicies/);
  });

  it('gives the app identity Key Vault Secrets Officer on the vault and AcrPull on the registry', () => {
    const access = bicepFiles.get('modules/app-access.bicep') ?? '';
    const assignments = blocks(access, 'resource').filter((b) => b.target.startsWith('Microsoft.Authorization/roleAssignments'));
    expect(assignments.map((a) => values(a.body, 'scope')[0])).toEqual(['vault', 'registry']);
    expect(access).toMatch(/secretsOfficerRoleId = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'/);
    expect(access).toMatch(/acrPullRoleId = '7f951dda-4ed3-4680-a7ca-43fe172d538d'/);
    expect(passedToModule('modules/app-access.bicep', 'appPrincipalId')).toBe('containerApp.outputs.principalId');
  });
});

describe('Container app', () => {
  const app = (): Block => only(resourcesOfType(bicepFiles, 'Microsoft.App/containerApps'));

  it('has a system-assigned identity, https-only ingress and at least two replicas by default', () => {
    expect(app().body).toMatch(/identity:\s*\{\s*type:\s*'SystemAssigned'\s*\}/);
    expect(values(app().body, 'allowInsecure')).toEqual(['false']);
    expect(values(app().body, 'minReplicas')).toEqual(['minReplicas']);
    expect(passedToModule('modules/container-app.bicep', 'minReplicas')).toBe('2');
    const production = stripComments(read('parameters/production.bicepparam'));
    expect(Number(/param minReplicas = (\d+)/.exec(production)?.[1])).toBeGreaterThanOrEqual(2);
  });

  it('probes liveness on /health and readiness on /ready', () => {
    const src = bicepFiles.get('modules/container-app.bicep') ?? '';
    expect(src).toMatch(/type: 'Liveness'\s+httpGet: \{ path: '\/health'/);
    expect(src).toMatch(/type: 'Readiness'\s+httpGet: \{ path: '\/ready'/);
  });

  it('is configured with plain env vars only, naming Key Vault, SQL and the SendGrid secret', () => {
    const src = bicepFiles.get('modules/container-app.bicep') ?? '';
    const names = [...src.matchAll(/\{ name: '([A-Z_]+)', value: /g)].map((m) => m[1]);
    for (const required of ['NODE_ENV', 'PORT', 'DB_KIND', 'MSSQL_SERVER', 'MSSQL_DATABASE', 'MSSQL_AUTH', 'SECRET_STORE',
      'KEY_VAULT_URL', 'EMAIL_TRANSPORT', 'SENDGRID_API_KEY_SECRET', 'PUBLIC_BASE_URL', 'JOBS_ENABLED', 'LOG_FORMAT',
      'APPLICATIONINSIGHTS_CONNECTION_STRING']) {
      expect(names).toContain(required);
    }
    expect(src).toMatch(/\{ name: 'MSSQL_AUTH', value: 'entra' \}/);
    expect(main).toMatch(/var sendGridKeySecretName = 'sendgrid-api-key'/);
  });
});

describe('templates as a whole', () => {
  it('deploy to West Europe by default and nowhere else', () => {
    expect(mainParam('location')?.defaultValue).toBe("'westeurope'");
    const literals = [...bicepFiles.values()].flatMap((src) => values(src, 'location')).filter((v) => v.startsWith("'"));
    expect(new Set(literals)).toEqual(new Set(["'global'"]));
    for (const f of paramFiles) expect(read(f)).toMatch(/param location = 'westeurope'/);
  });

  it('have no secret parameters and no credential literals', () => {
    for (const f of [...bicepFiles.keys(), ...paramFiles]) {
      const src = stripComments(read(f));
      expect({ f, problems: [...secretParamProblems(src), ...literalCredentialProblems(src)] }).toEqual({ f, problems: [] });
    }
    expect(literalCredentialProblems(read('Dockerfile') + read('RUNBOOK.md'))).toEqual([]);
  });

  it('the secret checks catch what they are meant to catch', () => {
    expect(secretParamProblems("@secure()\nparam adminPassword string")).toContain('@secure() parameter present');
    expect(secretParamProblems("param sendGridApiKey string = 'SG.x'")).toEqual(['param sendGridApiKey has a default value']);
    expect(secretParamProblems("param keyVaultName string = 'kv'\nparam sendGridKeySecretName string = 'a'")).toEqual([]);
    expect(secretParamProblems("using 'main.bicep'\nparam dbPassword = 'x'")).toEqual(['param dbPassword has a default value']);
    expect(literalCredentialProblems("var c = 'Server=x;User Id=u;Password=hunter2;'")).toEqual(['connection-string password']);
    expect(literalCredentialProblems('sharedKey: ws.listKeys().primarySharedKey')).toEqual(['credential pulled into the template']);
  });

  it('every referenced module file exists and comments do not hide code from these checks', () => {
    for (const [file, src] of bicepFiles) {
      for (const m of blocks(src, 'module')) expect(existsSync(path.join(infraDir, path.dirname(file), m.target))).toBe(true);
    }
    expect(stripComments("a: 'https://x' // c\n/* b */z")).toBe("a: 'https://x' \nz");
  });
});

describe('Dockerfile', () => {
  it('is multi-stage, pinned, non-root, health-checked, without .env and with pruned dependencies', () => {
    expect(dockerfileProblems(read('Dockerfile'))).toEqual([]);
    expect(dockerStages(read('Dockerfile')).map((s) => s.name)).toEqual(['build', 'runtime']);
  });

  it('builds with `npm run build` and runs exactly what `npm start` runs, without npm in between', () => {
    const scripts = (JSON.parse(readFileSync(path.resolve(infraDir, '../package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const build = dockerStages(read('Dockerfile')).find((s) => s.name === 'build');
    expect(build?.instructions.some((i) => /^RUN npm run build\b/.test(i))).toBe(true);
    const runtime = dockerStages(read('Dockerfile')).at(-1);
    expect(runtime?.instructions).toContain('COPY --from=build /app/dist ./dist');
    const cmd = runtime?.instructions.find((i) => i.startsWith('CMD '));
    const argv = JSON.parse(cmd?.slice(4) ?? '[]') as string[];
    expect(scripts.start).toBe(`exec ${argv.join(' ')}`);
  });

  it('the Dockerfile checks catch a naive single-stage image', () => {
    const naive = 'FROM node:20\nCOPY . .\nCOPY .env .env\nRUN npm ci\nCMD ["node", "dist/src/main.js", "serve"]\n';
    expect(dockerfileProblems(naive)).toEqual([
      'not multi-stage',
      'stage 0: unpinned image node:20',
      '.env copied into the image',
      'runtime stage runs as root',
      'no HEALTHCHECK',
      'runtime node_modules not pruned of dev dependencies',
    ]);
  });

  it('leaves local state and secrets out of the build context', () => {
    const ignored = readFileSync(path.resolve(infraDir, '../.dockerignore'), 'utf8').split('\n').map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'data', '.env', 'test-artifacts', '.git']));
  });
});
