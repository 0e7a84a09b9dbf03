import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { ConflictError } from '../errors';

/** Whose data a write touches: the tenant, and the people when the write is about particular people. */
export interface FenceScope {
  tenantId: string;
  personIds?: readonly string[];
}

/**
 * Called inside a write transaction, before its writes: throws a FenceError when the writer may no
 * longer write (its run's lease was lost, or a purge covers the tenant or one of the people). Because
 * the check reads in the same transaction as the writes, nothing can slip in between the two.
 */
export type WriteFence = (trx: Kysely<Database>, scope: FenceScope) => Promise<void>;

/**
 * The same fence as data: a writer on another thread, with its own connection, builds the checks from
 * it and runs them inside its own transactions.
 */
export interface FenceSpec {
  /** The job run whose lease the writer must still hold. */
  lease?: { runId: string; owner: string };
  /** Stop when a purge covers the tenant or a person written. */
  purge?: boolean;
}

/** For writers outside the job system (benchmarks, tests of the writer alone). */
export const openFence: WriteFence = async () => undefined;

export class FenceError extends ConflictError {}

/** The run's lease now belongs to another worker (or was handed back): this execution must stop. */
export class LeaseLostError extends FenceError {
  constructor() {
    super('The job run lease was lost; another worker owns the run now');
  }
}

/** Runs every fence in order; the first that refuses stops the write. */
export function allFences(...fences: WriteFence[]): WriteFence {
  return async (trx, scope) => {
    for (const fence of fences) await fence(trx, scope);
  };
}
