import { dailySlot } from '../src/scheduler/slots';
import type { JobDefinition } from '../src/scheduler/job-definition';
import { activeTenant, type PipelineDeps } from './pipeline-deps';

/** Recomputes the last completed week's insights after the nightly sync; reruns replace, never add. */
export const insightsJob: JobDefinition<PipelineDeps> = {
  name: 'insights',
  scope: 'tenant',
  schedule: () => '0 6 * * *',
  slotFor: dailySlot,
  async run(deps, ctx) {
    const tenant = await activeTenant(deps, ctx);
    const result = await deps.insights.computeForTenant(tenant);
    ctx.signal.throwIfAborted();
    ctx.count('people', result.people);
    ctx.count('insights', result.insights);
  },
};
