import { readFileSync } from 'node:fs';
import path from 'node:path';

let words: Set<string> | undefined;

function list(): Set<string> {
  words ??= new Set(
    readFileSync(path.join(__dirname, 'common-passwords.txt'), 'utf8')
      .split('\n')
      .map((w) => w.trim().toLowerCase())
      .filter((w) => w.length > 0 && !w.startsWith('#')),
  );
  return words;
}

/** Sequences people type instead of a password ("123456789012", "qwertyuiopas", "aaaaaaaaaaaa"). */
function isKeyboardOrRepeat(p: string): boolean {
  if (/^(.)\1+$/.test(p)) return true;
  if (/^(.{1,4})\1+$/.test(p)) return true;
  const rows = ['1234567890', '0987654321', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'abcdefghijklmnopqrstuvwxyz'];
  return rows.some((row) => (row + row).includes(p));
}

/**
 * True for passwords from the bundled list of the most common ones, also when they are only padded
 * with digits or symbols ("Password1234!") or repeated ("monkeymonkey") — the usual ways people stretch
 * a common password to a length rule.
 */
export function isCommonPassword(password: string): boolean {
  const p = password.toLowerCase();
  if (list().has(p) || isKeyboardOrRepeat(p)) return true;
  const core = p.replace(/^[^a-z]+|[^a-z]+$/g, '');
  if (core.length === 0) return true;
  if (list().has(core) || isKeyboardOrRepeat(core)) return true;
  const halves = /^(.+?)\1$/.exec(core);
  return halves !== null && list().has(halves[1] ?? '');
}
