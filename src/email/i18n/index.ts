import { en } from './en';
import { fi } from './fi';
import type { Messages } from './messages';
import { sv } from './sv';

export type EmailLanguage = 'fi' | 'sv' | 'en';
export type { Messages };

const MESSAGES: Record<EmailLanguage, Messages> = { fi, sv, en };

export function messagesFor(language: EmailLanguage): Messages {
  return MESSAGES[language];
}
