import type { ErrorDetails } from '@sluice/hooks';
import { compileFilter, filterErrorReason } from '../filter/index.ts';
import type { Collection } from './types.ts';

export const ruleKeys = ['listRule', 'viewRule', 'createRule', 'updateRule', 'deleteRule'] as const;

/**
 * Compiles each API rule against the collection as it will be saved, so that a rule that does not
 * parse or names an unknown field is refused when it is saved rather than failing every later
 * request. Rules read hidden fields, `@request.*` and `@collection.*`; with no request here,
 * `@request.*` values are compiled as empty, which accepts every name a request could fill.
 */
export function ruleProblems(
  collection: Collection,
  getCollection: (idOrName: string) => Collection | undefined = () => undefined,
): ErrorDetails {
  const lookup = (idOrName: string) => {
    if (idOrName === collection.id || idOrName === collection.name) return collection;
    const found = getCollection(idOrName);
    return found?.id === collection.id ? undefined : found;
  };
  const problems: ErrorDetails = {};
  const rules: [string, string | null][] = ruleKeys.map((key) => [key, collection[key]]);
  // the records MFA applies to are picked by a rule as well
  if (collection.mfa) rules.push(['mfa.rule', collection.mfa.rule]);
  for (const [key, rule] of rules) {
    if (rule === null || rule.trim() === '') continue;
    try {
      // the SQL is thrown away: what is checked (syntax, names) is the same on both dialects
      compileFilter(rule, {
        dialect: 'sqlite',
        collection,
        getCollection: lookup,
        auth: null,
        allowHiddenFields: true,
      });
    } catch (error) {
      const reason = filterErrorReason(error);
      if (reason === undefined) throw error;
      problems[key] = { code: 'validation_invalid_rule', message: `Invalid ${key}: ${reason}.` };
    }
  }
  return problems;
}
