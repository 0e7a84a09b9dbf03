import path from 'node:path';
import nunjucks from 'nunjucks';
import { buildEmailView, type InsightEmailInput } from './view-model';

export type { InsightEmailInput };

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export interface InsightEmailRenderer {
  render(input: InsightEmailInput): RenderedEmail;
}

const DEFAULT_TEMPLATES_DIR = path.join(__dirname, 'templates');

/**
 * Compiles the templates once per renderer. HTML is autoescaped; the text part has its own
 * environment without escaping, since "&amp;" in a plain-text mail would be a bug, not a defence.
 */
export function createInsightEmailRenderer(opts: { templatesDir?: string } = {}): InsightEmailRenderer {
  const dir = opts.templatesDir ?? DEFAULT_TEMPLATES_DIR;
  const options = { throwOnUndefined: true, trimBlocks: true, lstripBlocks: true };
  const htmlEnv = new nunjucks.Environment(new nunjucks.FileSystemLoader(dir), { ...options, autoescape: true });
  const textEnv = new nunjucks.Environment(new nunjucks.FileSystemLoader(dir), { ...options, autoescape: false });

  return {
    render(input) {
      const view = buildEmailView(input);
      return {
        subject: view.subject,
        html: htmlEnv.render('insight-email.html.njk', view),
        text: normaliseText(textEnv.render('insight-email.txt.njk', view)),
      };
    },
  };
}

let defaultRenderer: InsightEmailRenderer | undefined;

/** Convenience over a lazily created renderer with the bundled templates (it holds no state but compiled templates). */
export function renderInsightEmail(input: InsightEmailInput): RenderedEmail {
  defaultRenderer ??= createInsightEmailRenderer();
  return defaultRenderer.render(input);
}

function normaliseText(text: string): string {
  return `${text.replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trim()}\n`;
}
