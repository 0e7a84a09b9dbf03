/**
 * Loads the hand-written JSON Schemas of Severa's published models (published-models/*.json) into
 * ajv, with the two wire formats no public source pins down: dates with or without a midnight time
 * part, and date-times with or without an offset and with up to seven fraction digits.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';

const DIR = path.join(__dirname, 'published-models');
const BASE = 'https://erp-insights.test/severa/';

function realDate(y: string, m: string, d: string): boolean {
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d);
}

export function severaDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})(T00:00:00(\.0{1,7})?)?$/.exec(value);
  return !!m && realDate(m[1] ?? '', m[2] ?? '', m[3] ?? '');
}

export function severaDateTime(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T([01]\d|2[0-3]):([0-5]\d):([0-5]\d)(\.\d{1,7})?(Z|[+-](0\d|1[0-4]):[0-5]\d)?$/.exec(value);
  return !!m && realDate(m[1] ?? '', m[2] ?? '', m[3] ?? '');
}

export type Model = 'user' | 'work-contract' | 'work-hour' | 'deleted-work-hour' | 'activity' | 'project' | 'phase' | 'holiday' | 'flextime' | 'token' | 'exception';

export function loadPublishedModels(): (model: Model) => ValidateFunction {
  const ajv = new Ajv({ strict: true, allErrors: true });
  ajv.addFormat('severa-date', { type: 'string', validate: severaDate });
  ajv.addFormat('severa-date-time', { type: 'string', validate: severaDateTime });
  for (const file of fs.readdirSync(DIR).filter((f) => f.endsWith('.json'))) ajv.addSchema(JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8')) as object);
  return (model) => {
    const validate = ajv.getSchema(`${BASE}${model}.json`);
    if (!validate) throw new Error(`no published model ${model}`);
    return validate;
  };
}

/** Rows that fail the model, each with ajv's messages, so a failure names the field. */
export function violations(validate: ValidateFunction, rows: readonly unknown[]): Array<{ row: number; errors: string[] }> {
  const out: Array<{ row: number; errors: string[] }> = [];
  rows.forEach((row, i) => {
    if (!validate(row)) out.push({ row: i, errors: (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`) });
  });
  return out;
}
