import { StorageError, StorageFullError } from '../db/storage-error';
import { PurgeConflictError, type PurgeScope } from '../retention/purge-runner';
import { LeaseLostError } from '../scheduler/write-fence';
import type { Removal } from './work-hours-writer';

/** Requests to a writer thread, answered in order by `id`. */
export type WriterRequest =
  | { id: number; op: 'beginPass'; range: { from: string; to: string } }
  | { id: number; op: 'write'; entries: unknown[] }
  | { id: number; op: 'remove'; removal: Removal }
  | { id: number; op: 'settlePass' }
  | { id: number; op: 'close' };

/** An error as it crosses threads: classes do not survive the copy, so the kinds the job runner tells apart are named. */
export interface WireError {
  kind: 'lease-lost' | 'purge-conflict' | 'storage' | 'storage-full' | 'other';
  name: string;
  message: string;
  sqliteCode?: string;
  code?: string;
  scope?: PurgeScope;
}

export type WriterReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError };

export function toWire(err: unknown): WireError {
  const e = err instanceof Error ? err : new Error(String(err));
  const raw = (e as { code?: unknown }).code;
  const code = typeof raw === 'string' ? raw : undefined;
  const base = { name: e.constructor.name, message: e.message, code };
  if (e instanceof LeaseLostError) return { ...base, kind: 'lease-lost' };
  if (e instanceof PurgeConflictError) return { ...base, kind: 'purge-conflict', scope: e.scope };
  if (e instanceof StorageError) return { ...base, kind: e instanceof StorageFullError ? 'storage-full' : 'storage', sqliteCode: e.sqliteCode };
  return { ...base, kind: 'other' };
}

export function fromWire(wire: WireError): Error {
  switch (wire.kind) {
    case 'lease-lost':
      return new LeaseLostError();
    case 'purge-conflict':
      return new PurgeConflictError(wire.scope ?? 'tenant');
    case 'storage':
      return new StorageError(wire.message, wire.sqliteCode ?? '');
    case 'storage-full':
      return new StorageFullError(wire.message, wire.sqliteCode ?? '');
    default: {
      const err = new Error(wire.message);
      err.name = wire.name;
      if (wire.code) Object.assign(err, { code: wire.code });
      return err;
    }
  }
}
