/** Users and work contracts in the published shapes, with every personal field Severa serves. */
import type { ApiCountry, ApiCulture, ApiLanguage, ApiTimezone, ApiUser, ApiWorkContract, WeekdayName } from './api-models';
import { CURRENCY, hourCostOf } from './money';
import type { ViewContext } from './view-context';
import type { Language, SimContract, SimUser } from './types';
import { variant, wireDate, wireDateTime } from './wire-format';

const WEEKDAYS: readonly WeekdayName[] = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** Reference data is shared by every tenant of a Severa installation, so its guids are constants. */
const LANGUAGES: Record<Language, { forms: [string, string]; name: string; englishName: string; guid: string }> = {
  fi: { forms: ['fi', 'fi-FI'], name: 'suomi', englishName: 'Finnish', guid: '3c6a4e1f-2b1d-4f0e-9a51-0000000000f1' },
  sv: { forms: ['sv-SE', 'sv'], name: 'svenska', englishName: 'Swedish', guid: '3c6a4e1f-2b1d-4f0e-9a51-0000000000f2' },
  en: { forms: ['en', 'en-GB'], name: 'English', englishName: 'English', guid: '3c6a4e1f-2b1d-4f0e-9a51-0000000000f3' },
};

export const FINLAND: ApiCountry = { name: 'Suomi', guid: '7d2c9b40-51a8-4c3e-8f60-0000000000a1', code3: 'FIN', englishName: 'Finland' };

const HELSINKI: ApiTimezone = {
  name: '(UTC+02:00) Helsinki, Kyiv, Riga, Sofia, Tallinn, Vilnius',
  guid: '9e41f3d2-6c07-4b5a-a1c8-0000000000b1',
  systemName: 'FLE Standard Time',
  ianaName: 'Europe/Helsinki',
};

const CULTURE: ApiCulture = { code: 'fi-FI', name: 'suomi (Suomi)', guid: '5b8d2e7a-93c4-4d1f-b2e6-0000000000c1' };

const SALT = { contractDate: 1, contractTime: 2, userTime: 3, language: 4, nullWeek: 5, userNulls: 6, birth: 7 } as const;

export function fullName(user: SimUser): string {
  return `${user.personal.firstName} ${user.personal.lastName}`;
}

function isMondayToFriday(days: readonly number[]): boolean {
  return days.length === 5 && days.every((d, i) => d === i + 1);
}

function workWeek(ctx: ViewContext, contract: SimContract, index: number): WeekdayName[] | null {
  // A missing week is read as Monday–Friday, so serving null there keeps the contract's meaning.
  if (isMondayToFriday(contract.workWeek) && variant(ctx.company.seed, SALT.nullWeek, index, 3) === 0) return null;
  return contract.workWeek.map((d) => WEEKDAYS[d - 1] ?? 'Monday');
}

function contractIndex(contract: SimContract): number {
  return parseInt(contract.guid.slice(-12), 16);
}

export function contractView(ctx: ViewContext, user: SimUser, contract: SimContract): ApiWorkContract {
  const { seed } = ctx.company;
  const i = contractIndex(contract);
  const partTime = contract.dailyHours < 7.5 || contract.workWeek.length < 5;
  const rare = ctx.nulls && variant(seed, SALT.userNulls, i, 5) === 0;
  return {
    guid: contract.guid,
    title: partTime ? 'Osa-aikainen työsopimus' : 'Toistaiseksi voimassa oleva työsopimus',
    startDate: wireDate(seed, SALT.contractDate, i, contract.startDay),
    endDate: contract.endDay === null ? null : wireDate(seed, SALT.contractDate, i + 1, contract.endDay),
    dailyHours: contract.dailyHours,
    workWeek: workWeek(ctx, contract, i),
    isFlextimeActive: contract.isFlextimeActive,
    flextimeLimitPerDay: rare ? null : 2,
    isOvertimeAllowed: true,
    hourCost: rare ? null : { amount: hourCostOf(seed, contract), currencyCode: CURRENCY },
    user: { guid: user.guid, name: fullName(user) },
    lastUpdatedDateTime: rare ? null : wireDateTime(seed, SALT.contractTime, i, contract.updatedAt),
  };
}

/** The contract in force today, else the latest one already started (a leaver's last contract). */
export function currentContract(user: SimUser, today: number): SimContract | undefined {
  const started = user.contracts.filter((c) => c.startDay <= today);
  return started.find((c) => c.endDay === null || c.endDay >= today) ?? started[started.length - 1];
}

function language(ctx: ViewContext, user: SimUser): ApiLanguage {
  const lang = LANGUAGES[user.languageCode];
  const code = lang.forms[variant(ctx.company.seed, SALT.language, user.index, 4) === 0 ? 1 : 0];
  return { code, name: lang.name, guid: lang.guid, englishName: lang.englishName };
}

export function userView(ctx: ViewContext, user: SimUser): ApiUser {
  const { company } = ctx;
  const superior = user.superiorIndex === null ? undefined : company.users[user.superiorIndex];
  const current = currentContract(user, ctx.today());
  const nullable = (n: number) => ctx.nulls && variant(company.seed, SALT.userNulls, user.index * 8 + n, 6) === 0;
  const { personal } = user;
  return {
    guid: user.guid,
    firstName: personal.firstName,
    lastName: personal.lastName,
    email: nullable(0) ? null : personal.email,
    phone: personal.phone,
    isActive: user.isActive,
    code: user.code,
    title: user.title,
    ...(superior ? { superiorUser: { guid: superior.guid, name: fullName(superior) } } : {}),
    businessUnit: { guid: company.businessUnitGuids[user.businessUnitIndex] ?? '', name: `Yksikkö ${user.businessUnitIndex + 1}` },
    ...(current ? { workContract: contractView(ctx, user, current) } : {}),
    language: nullable(1) ? null : language(ctx, user),
    country: nullable(2) ? null : FINLAND,
    timezone: nullable(3) ? null : HELSINKI,
    culture: CULTURE,
    keywords: [{ value: `Yksikkö ${user.businessUnitIndex + 1}` }],
    lastUpdatedDateTime: nullable(4) ? null : wireDateTime(company.seed, SALT.userTime, user.index, user.updatedAt),
    socialSecurityNumber: personal.socialSecurityNumber,
    birthDate: personal.birthDate,
    bankAccountNumber: personal.bankAccountNumber,
    address: personal.address,
    postalCode: personal.postalCode,
    city: personal.city,
    notes: personal.notes,
  };
}
