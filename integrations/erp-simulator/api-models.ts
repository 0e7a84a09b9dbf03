/**
 * The simulator's own reading of Severa's published models (REST API v1 OpenAPI document), written
 * from the published field lists and nothing else. It deliberately shares no type with any client, so
 * a misreading on either side shows up as a failing test instead of hiding in a shared definition.
 * `?` = the field may be absent, `| null` = it may be null.
 */

/** ISO weekday names as the published WorkContract.workWeek enum spells them. */
export type WeekdayName = 'Monday' | 'Tuesday' | 'Wednesday' | 'Thursday' | 'Friday' | 'Saturday' | 'Sunday';

/** A date ("2026-11-02"), on some tenants with a time part ("2026-11-02T00:00:00"). */
export type ApiDate = string;
/** A date-time, with an offset, in UTC ("Z") or without any offset, with 0–7 fraction digits. */
export type ApiDateTime = string;

export interface ApiLanguage {
  code: string;
  name: string;
  guid: string;
  englishName: string;
}

export interface ApiCountry {
  name: string;
  guid: string;
  code3: string;
  englishName: string;
}

export interface ApiTimezone {
  name: string;
  guid: string;
  systemName: string;
  ianaName: string;
}

export interface ApiCulture {
  code: string;
  name: string;
  guid: string;
}

export interface ApiGuidName {
  guid: string;
  name: string;
}

export interface ApiKeyword {
  value: string;
}

export interface ApiMoney {
  amount: number;
  currencyCode: string;
}

export interface ApiWorkContract {
  guid?: string | null;
  title: string;
  startDate: ApiDate;
  endDate?: ApiDate | null;
  dailyHours?: number;
  workWeek?: WeekdayName[] | null;
  isFlextimeActive?: boolean;
  flextimeLimitPerDay?: number | null;
  isOvertimeAllowed?: boolean;
  hourCost?: ApiMoney | null;
  user?: ApiGuidName;
  lastUpdatedDateTime?: ApiDateTime | null;
}

export interface ApiUser {
  guid?: string | null;
  firstName: string;
  lastName: string;
  email?: string | null;
  phone: string;
  isActive?: boolean;
  code: string;
  title: string;
  superiorUser?: ApiGuidName;
  businessUnit?: ApiGuidName;
  workContract?: ApiWorkContract;
  language?: ApiLanguage | null;
  country?: ApiCountry | null;
  timezone?: ApiTimezone | null;
  culture?: ApiCulture;
  keywords?: ApiKeyword[];
  lastUpdatedDateTime?: ApiDateTime | null;
  socialSecurityNumber: string;
  birthDate: ApiDate;
  bankAccountNumber: string;
  address: string;
  postalCode: string;
  city: string;
  notes: string;
}

export interface ApiUserRef {
  guid: string;
  code: string;
  name: string;
  firstName: string;
  lastName: string;
}

export interface ApiProjectRef {
  guid: string;
  name: string;
  number: number;
  isClosed: boolean;
}

export interface ApiCustomerRef {
  guid: string;
  name: string;
  number: number;
}

export interface ApiWorkType {
  guid: string;
  name: string;
  code: string;
}

export type BillableStatus = 'Billable' | 'NotBillable' | 'RemovedFromInvoice';

export interface ApiWorkHour {
  guid?: string | null;
  eventDate: ApiDate;
  quantity?: number | null;
  isBillable?: boolean | null;
  billableStatus?: BillableStatus;
  isProductive?: boolean | null;
  user?: ApiUserRef;
  project?: ApiProjectRef;
  phase?: ApiGuidName;
  customer?: ApiCustomerRef;
  workType?: ApiWorkType;
  description?: string | null;
  unitPrice?: ApiMoney;
  unitCost?: ApiMoney;
  startTime?: string;
  endTime?: string;
  lastUpdatedDateTime?: ApiDateTime | null;
}

export interface ApiDeletedWorkHour {
  guid: string;
  deletedDateTime: ApiDateTime;
  eventDate: ApiDate;
  user: { guid: string };
  project: ApiGuidName;
  quantity: number;
}

export interface ApiActivityType {
  guid: string;
  name: string;
  category: 'Absences';
}

export interface ApiOwnerUser {
  guid: string;
  code: string;
  name: string;
  keywords: ApiKeyword[];
}

export type RecurrenceType = 'None' | 'Daily';

export interface ApiActivity {
  /** A recurring series' instance carries "<series guid>;<occurrence guid>". */
  guid?: string | null;
  name: string;
  startDateTime: ApiDateTime;
  endDateTime?: ApiDateTime | null;
  isAllDay?: boolean;
  activityType: ApiActivityType;
  ownerUser: ApiOwnerUser;
  notes?: string;
  recurrenceType: RecurrenceType;
  lastUpdatedDateTime?: ApiDateTime | null;
}

export interface ApiProject {
  guid?: string | null;
  name: string;
  number: number;
  isClosed?: boolean;
  isInternal?: boolean;
  startDate?: ApiDate | null;
  deadline?: ApiDate | null;
  projectOwner?: { guid: string; firstName: string; lastName: string };
  customer?: ApiGuidName;
  rootPhase?: ApiGuidName;
  lastUpdatedDateTime?: ApiDateTime | null;
}

export interface ApiPhase {
  guid: string;
  name: string;
  project: { guid: string; name: string };
  parentPhase?: { guid: string };
  workHoursEstimate?: number | null;
  originalWorkHoursEstimate?: number | null;
  deadline?: ApiDate;
  isCompleted?: boolean;
}

export interface ApiHoliday {
  name: string;
  date: ApiDate;
  countryGuid: string;
  isActive?: boolean;
  isPublicHoliday?: boolean;
  isRecurringYearly?: boolean;
}

export interface ApiFlextime {
  totalFlextimeBalance: number;
  monthFlextimeBalance: number;
}

export interface ApiToken {
  access_token: string;
  access_token_type: 'Bearer';
  access_token_expires_in: number;
  access_token_expires_utc: ApiDateTime;
  refresh_token: string;
  refresh_token_expires_in: number;
  refresh_token_expires_utc: ApiDateTime;
  scope: string;
}

export interface ApiExceptionDetail {
  message: string;
  url: string | null;
  location: string | null;
}

export interface ApiException {
  error: { httpStatusCode: number; type: string; details: ApiExceptionDetail[]; stack: string | null };
}
