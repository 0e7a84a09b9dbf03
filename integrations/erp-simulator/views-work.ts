/** Work hours and deleted work hours in the published shapes, names and free text included. */
import type { ApiDeletedWorkHour, ApiUserRef, ApiWorkHour, ApiWorkType } from './api-models';
import { phaseOfRow } from './generate-phases';
import { contractOn, CURRENCY, hourCostOf, unitPriceOf } from './money';
import { describedWork } from './personal-data';
import { guidFor } from './prng';
import type { SimUser } from './types';
import type { ViewContext } from './view-context';
import { fullName } from './views-people';
import { variant, wireDate, wireDateTime } from './wire-format';

const SALT = { date: 11, time: 12, nulls: 13, deleted: 14, description: 15 } as const;

const WORK_TYPES: ReadonlyArray<Omit<ApiWorkType, 'guid'>> = [
  { name: 'Suunnittelu', code: 'SUU' },
  { name: 'Ohjelmointi', code: 'OHJ' },
  { name: 'Palaveri', code: 'PAL' },
];
const INTERNAL_WORK: Omit<ApiWorkType, 'guid'> = { name: 'Sisäinen työ', code: 'SIS' };

export function userRef(user: SimUser): ApiUserRef {
  return { guid: user.guid, code: user.code, name: fullName(user), firstName: user.personal.firstName, lastName: user.personal.lastName };
}

function workType(seed: number, internal: boolean, index: number): ApiWorkType {
  const k = internal ? WORK_TYPES.length : index % WORK_TYPES.length;
  const type = internal ? INTERNAL_WORK : (WORK_TYPES[k] ?? INTERNAL_WORK);
  return { guid: guidFor(seed, 'reference', 0x100 + k), ...type };
}

export function workHourView(ctx: ViewContext, index: number): ApiWorkHour {
  const { company } = ctx;
  const { seed } = company;
  const row = company.hours.get(index);
  const user = company.users[row.userIndex];
  const project = company.projects[row.projectIndex];
  if (!user || !project) throw new Error('work hour refers to an unknown user or project');
  const owner = company.users[project.ownerIndex];
  const customer = project.customerIndex === null ? undefined : company.customers[project.customerIndex];
  const phase = phaseOfRow(ctx.phasesByProject, project.index, index);
  const contract = contractOn(user.contracts, row.day);
  const nullable = (n: number, every: number) => ctx.nulls && variant(seed, SALT.nulls, index * 5 + n, every) === 0;
  const quantity = row.centiHours / 100;
  return {
    guid: nullable(4, 199) ? null : guidFor(seed, 'workHour', index),
    eventDate: wireDate(seed, SALT.date, index, row.day),
    quantity: nullable(0, 97) ? null : quantity,
    isBillable: nullable(1, 13) ? null : row.isBillable,
    billableStatus: row.isBillable ? 'Billable' : 'NotBillable',
    isProductive: nullable(2, 19) ? null : row.isProductive,
    user: userRef(user),
    project: { guid: project.guid, name: project.name, number: project.number, isClosed: project.deadlineDay !== null && project.deadlineDay < company.endDay },
    ...(phase ? { phase: { guid: phase.guid, name: phase.name } } : {}),
    ...(customer ? { customer: { guid: customer.guid, name: customer.name, number: customer.number } } : {}),
    workType: workType(seed, project.isInternal, index),
    description: variant(seed, SALT.description, index, 11) === 0 ? null : describedWork(index, owner ? fullName(owner) : ''),
    // The project's price on every row, billable or not, as a price list would; only billable hours bill.
    unitPrice: { amount: unitPriceOf(seed, project), currencyCode: CURRENCY },
    ...(contract ? { unitCost: { amount: hourCostOf(seed, contract), currencyCode: CURRENCY } } : {}),
    lastUpdatedDateTime: nullable(3, 23) ? null : wireDateTime(seed, SALT.time, index, row.updatedAt),
  };
}

export function deletedWorkHourView(ctx: ViewContext, index: number, deletedAt: number): ApiDeletedWorkHour {
  const { company } = ctx;
  const row = company.hours.get(index);
  const project = company.projects[row.projectIndex];
  return {
    guid: guidFor(company.seed, 'workHour', index),
    deletedDateTime: wireDateTime(company.seed, SALT.deleted, index, deletedAt),
    eventDate: wireDate(company.seed, SALT.date, index, row.day),
    user: { guid: company.users[row.userIndex]?.guid ?? '' },
    project: { guid: project?.guid ?? '', name: project?.name ?? '' },
    quantity: row.centiHours / 100,
  };
}
