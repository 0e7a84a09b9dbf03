/** Projects (no budget field) and their phases (where the budgeted hours live). */
import type { ApiPhase, ApiProject } from './api-models';
import type { SimPhase, SimProject } from './types';
import type { ViewContext } from './view-context';
import { variant, wireDate, wireDateTime } from './wire-format';

const SALT = { date: 21, time: 22, nulls: 23, phaseDate: 24 } as const;

export function projectView(ctx: ViewContext, project: SimProject): ApiProject {
  const { company } = ctx;
  const { seed } = company;
  const owner = company.users[project.ownerIndex];
  const customer = project.customerIndex === null ? undefined : company.customers[project.customerIndex];
  const root = ctx.phasesByProject.get(project.index)?.[0];
  const nullable = (n: number) => ctx.nulls && variant(seed, SALT.nulls, project.index * 4 + n, 4) === 0;
  return {
    guid: project.guid,
    name: project.name,
    number: project.number,
    isClosed: project.deadlineDay !== null && project.deadlineDay < company.endDay,
    isInternal: project.isInternal,
    startDate: nullable(0) ? null : wireDate(seed, SALT.date, project.index, project.startDay),
    deadline: project.deadlineDay === null ? null : wireDate(seed, SALT.date, project.index + 1, project.deadlineDay),
    ...(owner ? { projectOwner: { guid: owner.guid, firstName: owner.personal.firstName, lastName: owner.personal.lastName } } : {}),
    ...(customer ? { customer: { guid: customer.guid, name: customer.name } } : {}),
    ...(root ? { rootPhase: { guid: root.guid, name: root.name } } : {}),
    lastUpdatedDateTime: nullable(1) ? null : wireDateTime(seed, SALT.time, project.index, project.updatedAt),
  };
}

export function phaseView(ctx: ViewContext, phase: SimPhase): ApiPhase {
  const { company } = ctx;
  const { seed } = company;
  const project = company.projects[phase.projectIndex];
  const parent = phase.parentIndex === null ? undefined : ctx.phasesByProject.get(phase.projectIndex)?.[0];
  const nullable = (n: number) => ctx.nulls && variant(seed, SALT.nulls, 0x10000 + phase.index * 4 + n, 3) === 0;
  return {
    guid: phase.guid,
    name: phase.name,
    project: { guid: project?.guid ?? '', name: project?.name ?? '' },
    ...(parent ? { parentPhase: { guid: parent.guid } } : {}),
    workHoursEstimate: phase.workHoursEstimate,
    originalWorkHoursEstimate: nullable(0) ? null : phase.originalWorkHoursEstimate,
    ...(phase.deadlineDay === null ? {} : { deadline: wireDate(seed, SALT.phaseDate, phase.index, phase.deadlineDay) }),
    isCompleted: phase.isCompleted,
  };
}
