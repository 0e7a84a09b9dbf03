import type { JobDefinition } from '../src/scheduler/job-definition';
import { createJobRegistry } from '../src/scheduler/job-registry';
import { deliverJob } from './deliver';
import { insightsJob } from './insights';
import { keyRotationJob, type KeyRotationDeps } from './key-rotation';
import type { PipelineDeps } from './pipeline-deps';
import { retentionPurgeJob, type RetentionPurgeDeps } from './retention-purge';
import { syncJob } from './sync';

export type { JobContext, JobDefinition, JobRegistry, ScheduleTenant } from '../src/scheduler/job-definition';
export { createJobRegistry } from '../src/scheduler/job-registry';
export { createDbScheduleTenants, registerSchedules, type Schedules } from '../src/scheduler/cron';
export { createJobControl, type JobControl } from '../src/scheduler/job-control';
export { createWorker, onShutdown, type Worker } from '../src/scheduler/worker';

/** Everything any registered job needs; main.ts builds one of these. Each job picks its own slice. */
export type JobDeps = PipelineDeps & RetentionPurgeDeps & KeyRotationDeps;

/** Every job the service runs. Adding a job is one line here (and its deps in JobDeps). */
export const allJobs: JobDefinition<JobDeps>[] = [
  syncJob,
  insightsJob,
  deliverJob,
  retentionPurgeJob,
  keyRotationJob,
];

export const createAppJobRegistry = () => createJobRegistry<JobDeps>(allJobs);
