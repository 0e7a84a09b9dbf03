import type { Clock } from '../src/clock';
import type { DataKeyRepo } from '../src/crypto/data-key-repo';
import type { Envelope } from '../src/crypto/envelope';
import type { JobDefinition } from '../src/scheduler/job-definition';
import { monthlySlot } from '../src/scheduler/slots';

export interface KeyRotationDeps {
  envelope: Pick<Envelope, 'rewrapAll' | 'rotateDataKey'>;
  dataKeys: Pick<DataKeyRepo, 'tenantIds' | 'active'>;
  clock: Clock;
  keyRotation: { dataKeyMaxAgeDays: number };
}

interface Checkpoint {
  kekRotated: boolean;
  done: string[];
}

const DAY_MS = 86_400_000;

function readCheckpoint(value: unknown): Checkpoint {
  const c = value as Partial<Checkpoint> | null;
  return { kekRotated: c?.kekRotated === true, done: Array.isArray(c?.done) ? c.done.filter((x) => typeof x === 'string') : [] };
}

/**
 * Monthly, global: a new KEK re-wraps every data key (data rows untouched), then each tenant whose
 * active data key is older than the limit gets a new one; old versions keep decrypting. The
 * checkpoint makes a resumed run skip what is done, so a crash never rotates the KEK twice in a slot.
 */
export const keyRotationJob: JobDefinition<KeyRotationDeps> = {
  name: 'key-rotation',
  scope: 'global',
  schedule: () => '0 4 1 * *',
  slotFor: monthlySlot,
  async run({ envelope, dataKeys, clock, keyRotation }, ctx) {
    const checkpoint = readCheckpoint(ctx.checkpoint);
    if (!checkpoint.kekRotated) {
      const { rewrapped } = await envelope.rewrapAll();
      ctx.count('dataKeysRewrapped', rewrapped);
      checkpoint.kekRotated = true;
      await ctx.saveCheckpoint(checkpoint);
    }
    const done = new Set(checkpoint.done);
    const oldest = clock.now().getTime() - keyRotation.dataKeyMaxAgeDays * DAY_MS;
    for (const tenantId of await dataKeys.tenantIds()) {
      if (done.has(tenantId)) continue;
      ctx.signal.throwIfAborted();
      const active = await dataKeys.active(tenantId);
      if (active && Date.parse(active.created_at) < oldest) {
        await envelope.rotateDataKey(tenantId);
        ctx.count('dataKeysRotated');
      }
      checkpoint.done.push(tenantId);
      done.add(tenantId);
      await ctx.saveCheckpoint(checkpoint);
    }
  },
};
