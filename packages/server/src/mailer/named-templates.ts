import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidPayloadError } from '@sluice/hooks';
import { escapeHtml } from './templates.ts';

/** A template an extension sends by name (Directus' `template: { name, data }`). */
export interface NamedTemplate {
  subject?: string;
  html: string;
  text?: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const EXTENSIONS = ['.liquid', '.html'] as const;

/**
 * Templates registered in code first, then files `<dir>/<name>.liquid` or `<name>.html` (the
 * folder Directus reads, `EMAIL_TEMPLATES_PATH`).
 */
export class NamedTemplates {
  readonly #registered = new Map<string, NamedTemplate>();

  constructor(private readonly dir: () => string | undefined) {}

  /** Adds (or replaces) a template; returns what removes it. */
  register(name: string, template: NamedTemplate): () => void {
    if (!NAME.test(name)) throw new InvalidPayloadError(`"${name}" is not a valid template name.`);
    this.#registered.set(name, template);
    return () => {
      if (this.#registered.get(name) === template) this.#registered.delete(name);
    };
  }

  async find(name: string): Promise<NamedTemplate> {
    const missing = () => new InvalidPayloadError(`The mail template "${name}" doesn't exist.`);
    if (typeof name !== 'string' || !NAME.test(name)) throw missing();
    const registered = this.#registered.get(name);
    if (registered) return registered;
    const dir = this.dir();
    if (dir) {
      for (const extension of EXTENSIONS) {
        try {
          return { html: await readFile(join(dir, `${name}${extension}`), 'utf8') };
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        }
      }
    }
    throw missing();
  }
}

function lookup(data: Record<string, unknown>, path: string): unknown {
  let value: unknown = data;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function stringOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * Fills `{{ name }}` and `{{ a.b }}` (Liquid's output tags, without filters or `{% %}` tags).
 * In HTML every value is escaped.
 */
export function fillVariables(template: string, data: Record<string, unknown>, html: boolean): string {
  return template.replace(
    /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*\}\}/g,
    (_, path: string) => {
      const value = stringOf(lookup(data, path));
      return html ? escapeHtml(value) : value;
    },
  );
}
