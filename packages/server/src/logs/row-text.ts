import { requestLogDataJson } from './data-json.ts';
import type { LogEntry } from './store.ts';

/** Ends each value of a row in its text form. */
export const VALUE_END = '\u0000';

/** Values a row has: `id`, `created`, `level`, `message` and `data` (JSON). */
export const LOG_COLUMNS = 5;

/**
 * A log row as one string: its values, each followed by `VALUE_END`. Ids, times, numbers and
 * JSON never hold that character, and Node refuses it in a request's URL; a message holding it
 * anyway has it replaced, so that it cannot shift the values after it.
 */
export function logRowText(entry: LogEntry): string {
  const message = entry.message.includes(VALUE_END)
    ? entry.message.replaceAll(VALUE_END, '\ufffd')
    : entry.message;
  return `${entry.id}${VALUE_END}${entry.created}${VALUE_END}${entry.level}${VALUE_END}${message}${VALUE_END}${requestLogDataJson(entry.data)}${VALUE_END}`;
}

/** The values of rows in text form, one after the other, `LOG_COLUMNS` a row. */
export function logValues(text: string): string[] {
  const values = text.split(VALUE_END);
  // the text ends with VALUE_END, which leaves an empty string after it
  values.length -= 1;
  return values;
}
