/**
 * Control messages over a child process's IPC channel, so a benchmark can change the company between
 * two syncs without any extra HTTP surface on the simulated API.
 */
import { parseIsoDate } from './calendar';
import { applyNight, DEFAULT_NIGHT, liveHoursBetween } from './night';
import type { Simulator } from './server';
import type { SimCompany } from './types';

export type ControlMessage = { id: number; type: 'night'; seed?: number } | { id: number; type: 'count-hours'; from: string; to: string };

function isControl(value: unknown): value is ControlMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as Record<string, unknown>;
  return typeof m.id === 'number' && (m.type === 'night' || m.type === 'count-hours');
}

function handle(message: ControlMessage, company: SimCompany, simulator: Pick<Simulator, 'mutate'>): unknown {
  if (message.type === 'night') return applyNight(company, simulator.mutate, { ...DEFAULT_NIGHT, seed: message.seed ?? DEFAULT_NIGHT.seed });
  const from = parseIsoDate(message.from);
  const to = parseIsoDate(message.to);
  if (from === undefined || to === undefined) throw new Error('count-hours needs from and to as YYYY-MM-DD');
  return { hours: liveHoursBetween(company, from, to) };
}

export function answerControl(message: unknown, company: SimCompany, simulator: Pick<Simulator, 'mutate'>): void {
  if (!isControl(message) || !process.send) return;
  try {
    process.send({ id: message.id, ok: true, result: handle(message, company, simulator) });
  } catch (err) {
    process.send({ id: message.id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
}
