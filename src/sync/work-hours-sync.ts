import type { ErpWorkHour } from '../../integrations/erp/erp-client';
import { skipUnknownUser, type SyncRun } from './context';
import type { WorkHoursWriter, WriteCounts } from './work-hours-writer';

/** SQLite and SQL Server both cap the size of an IN list; delete in slices. */
const DELETE_SLICE = 500;

/**
 * Whole pages are buffered up to this many rows and written in one transaction: a commit costs more
 * than a hundred row writes on an encrypted database, and the buffer keeps memory bounded.
 */
const ROWS_PER_TRANSACTION = 5000;

/**
 * Batches handed to the writer and not yet committed. With a writer thread, reading goes on while
 * the writer works; beyond this the read waits, so memory stays bounded when the writer is slower.
 */
const BATCHES_IN_FLIGHT = 2;

export interface WorkHoursPass {
  run: SyncRun;
  writer: WorkHoursWriter;
  /** Checked before every page: a cancelled or shut-down job stops reading. */
  signal?: AbortSignal;
}

function count(run: SyncRun, c: WriteCounts): void {
  run.counters.entries += c.entries;
  run.counters.deletedEntries += c.deletedEntries;
  run.counters.factsWritten += c.factsWritten;
}

/** Keeps the kept rows of some pages: known people inside the window; others are counted as skipped. */
function keptOf(run: SyncRun, pages: ErpWorkHour[]): ErpWorkHour[] {
  for (const e of pages) if (!run.known.has(e.personId)) skipUnknownUser(run, 'workhours', e.id, 'user.guid');
  return pages.filter((e) => run.contracts.has(e.personId) && e.date >= run.window.from && e.date <= run.window.to);
}

export async function readWorkHours({ run, writer, signal }: WorkHoursPass, q: { from: string; to: string; changedSince?: string }): Promise<void> {
  const inFlight: Promise<WriteCounts>[] = [];
  const settle = async (promise: Promise<WriteCounts>) => count(run, await promise);
  const hand = async (buffered: ErpWorkHour[]) => {
    const kept = keptOf(run, buffered);
    if (kept.length === 0) return;
    const written = writer.write(kept);
    // Awaited below, in order; until then a failure must not count as unhandled.
    written.catch(() => undefined);
    inFlight.push(written);
    if (inFlight.length > BATCHES_IN_FLIGHT) await settle(inFlight.shift() as Promise<WriteCounts>);
  };
  let buffered: ErpWorkHour[] = [];
  try {
    for await (const page of run.erp.workHours(q)) {
      signal?.throwIfAborted();
      buffered = buffered.concat(page);
      if (buffered.length >= ROWS_PER_TRANSACTION) {
        await hand(buffered);
        buffered = [];
      }
    }
  } finally {
    // The pages read before a failure are whole and valid: keep them, the watermark still stays put.
    await hand(buffered);
    while (inFlight.length > 0) await settle(inFlight.shift() as Promise<WriteCounts>);
  }
}

export async function applyDeletedWorkHours({ run, writer }: WorkHoursPass, deletedSince: string): Promise<void> {
  for await (const page of run.erp.deletedWorkHours({ deletedSince })) {
    for (let i = 0; i < page.length; i += DELETE_SLICE) {
      count(run, await writer.remove({ ids: page.slice(i, i + DELETE_SLICE).map((d) => d.id) }));
    }
  }
}

/**
 * After a complete re-read of [from, to], entries there that the re-read did not stamp no longer exist
 * upstream. Only called when the re-read finished, so an interrupted run never deletes anything.
 */
export async function sweepUnseen({ run, writer }: WorkHoursPass, range: { from: string; to: string }): Promise<void> {
  count(run, await writer.remove({ unseenFrom: range.from, unseenTo: range.to }));
}
