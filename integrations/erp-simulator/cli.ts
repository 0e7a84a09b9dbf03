/**
 * `simulate` command: serves a demo company until SIGINT/SIGTERM. The client secret is a throw-away
 * credential of this local stand-in, generated per run and printed once so a developer can connect.
 */
import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { ZONE } from './calendar';
import { generateCompany } from './generate-company';
import { answerControl } from './control';
import { startSimulator } from './server';

export interface SimulatorCliDeps {
  write?: (text: string) => void;
  /** Resolves when the simulator should stop; defaults to the first SIGINT or SIGTERM. */
  stopSignal?: Promise<unknown>;
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

function intFlag(args: string[], name: string, fallback: number): number {
  const raw = flag(args, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer`);
  return value;
}

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    // Started by a benchmark over IPC: a parent that goes away, even killed, takes the simulator with it.
    if (process.send) process.once('disconnect', () => stop('SIGTERM'));
  });
}

/**
 * Options: --seed 42 --employees 50 --months 13 --end-date YYYY-MM-DD (default yesterday) --port 0
 * --rate-limit N (requests per second, Severa's is 10; default unlimited) --nulls --flextime.
 * Started with an IPC channel (a benchmark's child process), it also takes control messages, see control.ts.
 */
export async function runSimulatorCli(args: string[], deps: SimulatorCliDeps = {}): Promise<void> {
  const write = deps.write ?? ((text: string) => void process.stdout.write(text));
  const yesterday = DateTime.now().setZone(ZONE).minus({ days: 1 }).toISODate() ?? '';
  const company = generateCompany({
    seed: intFlag(args, 'seed', 42),
    employees: intFlag(args, 'employees', 50),
    months: intFlag(args, 'months', 13),
    endDate: flag(args, 'end-date') ?? yesterday,
  });
  const clientId = 'demo-client';
  const clientSecret = randomBytes(18).toString('base64url');
  const rateLimit = intFlag(args, 'rate-limit', 0);
  const simulator = await startSimulator({
    company,
    clientId,
    clientSecret,
    port: intFlag(args, 'port', 0),
    rateLimitPerSecond: rateLimit > 0 ? rateLimit : undefined,
    nulls: args.includes('--nulls'),
    flextimeAddon: args.includes('--flextime'),
  });
  const counts = company.counts();
  write(
    [
      `ERP simulator listening at ${simulator.url}`,
      `client_id: ${clientId}`,
      `client_secret: ${clientSecret}`,
      `company: ${counts.users} users, ${counts.entries} work hours, ${counts.absences} absences, ${counts.projects} projects`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  if (process.send) process.on('message', (message) => answerControl(message, company, simulator));
  await (deps.stopSignal ?? untilSignal());
  await simulator.close();
  // An open control channel would keep this process alive after its server closed.
  if (process.connected) process.disconnect();
  write('ERP simulator stopped.\n');
}
