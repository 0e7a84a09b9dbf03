import type { JobDefinition, JobRegistry } from './job-definition';

export function createJobRegistry<D>(jobs: JobDefinition<D>[]): JobRegistry<D> {
  const byName = new Map<string, JobDefinition<D>>();
  for (const job of jobs) {
    if (byName.has(job.name)) throw new Error(`Job ${job.name} is registered twice`);
    byName.set(job.name, job);
  }
  return {
    get: (name) => byName.get(name),
    names: () => [...byName.keys()],
    all: () => [...byName.values()],
  };
}
