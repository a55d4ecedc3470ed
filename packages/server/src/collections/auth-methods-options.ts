import { providerDefinition } from '../auth/oauth2/providers.ts';
import { isJsonObject } from '../json.ts';
import type { EmailTemplate, MFAOptions, OAuth2Options, OAuth2ProviderConfig, OTPOptions } from './types.ts';

/**
 * The `oauth2`, `otp` and `mfa` options of an auth collection (PocketBase's shape), read from a
 * create or update body. A provider's `clientSecret` is write-only: it is kept as a
 * non-enumerable property, so that no response, event or log carries it, and an update that
 * leaves it out keeps the one stored.
 */

export interface OptionProblems {
  add(key: string, code: string, message: string): void;
}

type Input = Record<string, unknown>;

const mappedKeys = ['id', 'name', 'username', 'avatarURL'] as const;
const urlKeys = ['authURL', 'tokenURL', 'userInfoURL'] as const;

export function defaultOAuth2(): OAuth2Options {
  return { enabled: false, mappedFields: { id: '', name: '', username: '', avatarURL: '' }, providers: [] };
}

export function defaultOTP(): OTPOptions {
  return { enabled: false, duration: 180, length: 8 };
}

export function defaultMFA(): MFAOptions {
  return { enabled: false, duration: 1800, rule: '' };
}

/** Sets the write-only secret on a provider config. */
export function withSecret(provider: OAuth2ProviderConfig, secret: string): OAuth2ProviderConfig {
  Object.defineProperty(provider, 'clientSecret', { value: secret, enumerable: false, writable: true });
  return provider;
}

/** The options as stored: the secrets included. */
export function storableOAuth2(options: OAuth2Options): Record<string, unknown> {
  return {
    ...options,
    providers: options.providers.map((provider) => ({
      ...provider,
      clientSecret: provider.clientSecret ?? '',
    })),
  };
}

/** The options as read back from storage: the secrets hidden again. */
export function loadedOAuth2(stored: OAuth2Options): OAuth2Options {
  return {
    ...stored,
    providers: stored.providers.map((provider) => {
      const { clientSecret, ...shown } = provider;
      return withSecret(shown, clientSecret ?? '');
    }),
  };
}

export function readOAuth2(
  raw: unknown,
  existing: OAuth2Options | undefined,
  fieldNames: ReadonlySet<string>,
  problems: OptionProblems,
): OAuth2Options {
  const previous = existing ?? defaultOAuth2();
  if (raw === undefined) return previous;
  if (!isJsonObject(raw)) {
    problems.add('oauth2', 'invalid_value', 'Must be an object.');
    return previous;
  }
  const options: OAuth2Options = {
    enabled: previous.enabled,
    mappedFields: { ...previous.mappedFields },
    providers: previous.providers,
  };
  if (raw.enabled !== undefined) {
    if (typeof raw.enabled === 'boolean') options.enabled = raw.enabled;
    else problems.add('oauth2.enabled', 'invalid_bool', 'Must be a boolean.');
  }
  if (raw.mappedFields !== undefined) {
    if (!isJsonObject(raw.mappedFields))
      problems.add('oauth2.mappedFields', 'invalid_value', 'Must be an object.');
    else {
      for (const key of mappedKeys) {
        const value = raw.mappedFields[key] ?? '';
        if (typeof value !== 'string' || (value !== '' && !fieldNames.has(value))) {
          problems.add(
            `oauth2.mappedFields.${key}`,
            'unknown_field',
            'Must be blank or the name of a field.',
          );
        } else options.mappedFields[key] = value;
      }
    }
  }
  if (raw.providers !== undefined) {
    if (!Array.isArray(raw.providers)) problems.add('oauth2.providers', 'invalid_value', 'Must be a list.');
    else {
      const names = new Set<string>();
      options.providers = raw.providers.map((item, i) => {
        const provider = readProvider(item, `oauth2.providers.${i}`, previous.providers, problems);
        if (names.has(provider.name)) {
          problems.add(`oauth2.providers.${i}.name`, 'not_unique', 'Each provider may appear once.');
        }
        names.add(provider.name);
        return provider;
      });
    }
  }
  return options;
}

function readProvider(
  item: unknown,
  key: string,
  previous: readonly OAuth2ProviderConfig[],
  problems: OptionProblems,
): OAuth2ProviderConfig {
  const raw: Input = isJsonObject(item) ? item : {};
  if (!isJsonObject(item)) problems.add(key, 'invalid_value', 'Must be an object.');
  const string = (prop: string): string => {
    const value = raw[prop];
    if (value === undefined || value === null) return '';
    if (typeof value === 'string') return value.trim();
    problems.add(`${key}.${prop}`, 'invalid_string', 'Must be a string.');
    return '';
  };
  const name = string('name');
  const definition = providerDefinition(name);
  if (!definition) problems.add(`${key}.name`, 'invalid_provider', `"${name}" is not a known provider.`);
  const provider: OAuth2ProviderConfig = {
    name,
    clientId: string('clientId'),
    authURL: string('authURL'),
    tokenURL: string('tokenURL'),
    userInfoURL: string('userInfoURL'),
    displayName: string('displayName'),
    pkce: null,
    extra: {},
  };
  if (provider.clientId === '') problems.add(`${key}.clientId`, 'required', 'Cannot be blank.');
  const secret = string('clientSecret') || previous.find((other) => other.name === name)?.clientSecret || '';
  if (secret === '') problems.add(`${key}.clientSecret`, 'required', 'Cannot be blank.');
  for (const prop of urlKeys) {
    if (provider[prop] !== '' && !isHttpUrl(provider[prop])) {
      problems.add(`${key}.${prop}`, 'invalid_url', 'Must be an http(s) URL.');
    }
  }
  if (raw.pkce !== undefined && raw.pkce !== null) {
    if (typeof raw.pkce === 'boolean') provider.pkce = raw.pkce;
    else problems.add(`${key}.pkce`, 'invalid_bool', 'Must be a boolean or null.');
  }
  if (raw.extra !== undefined && raw.extra !== null) {
    if (isJsonObject(raw.extra)) provider.extra = { ...raw.extra };
    else problems.add(`${key}.extra`, 'invalid_value', 'Must be an object.');
  }
  const issuer = provider.extra.issuer;
  if (issuer !== undefined && (typeof issuer !== 'string' || !isHttpUrl(issuer))) {
    problems.add(`${key}.extra.issuer`, 'invalid_url', 'Must be an http(s) URL.');
  }
  if (definition?.oidc && issuer === undefined) {
    for (const prop of ['authURL', 'tokenURL'] as const) {
      if (provider[prop] === '') {
        problems.add(
          `${key}.${prop}`,
          'required',
          'Needed unless extra.issuer names the issuer to discover.',
        );
      }
    }
  }
  return withSecret(provider, secret);
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

function readSwitch(raw: Input, key: string, enabled: boolean, problems: OptionProblems): boolean {
  if (raw.enabled === undefined) return enabled;
  if (typeof raw.enabled === 'boolean') return raw.enabled;
  problems.add(`${key}.enabled`, 'invalid_bool', 'Must be a boolean.');
  return enabled;
}

function readSeconds(
  raw: Input,
  key: string,
  prop: string,
  fallback: number,
  problems: OptionProblems,
): number {
  const value = raw[prop];
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  problems.add(`${key}.${prop}`, 'invalid_number', 'Must be a positive whole number.');
  return fallback;
}

export function readOTP(
  raw: unknown,
  existing: OTPOptions | undefined,
  problems: OptionProblems,
): OTPOptions {
  const previous = existing ?? defaultOTP();
  if (raw === undefined) return previous;
  if (!isJsonObject(raw)) {
    problems.add('otp', 'invalid_value', 'Must be an object.');
    return previous;
  }
  const options: OTPOptions = {
    enabled: readSwitch(raw, 'otp', previous.enabled, problems),
    duration: readSeconds(raw, 'otp', 'duration', previous.duration, problems),
    length: readSeconds(raw, 'otp', 'length', previous.length, problems),
  };
  if (options.length < 4 || options.length > 32)
    problems.add('otp.length', 'invalid_number', 'Must be 4 to 32.');
  const template =
    raw.emailTemplate === undefined ? previous.emailTemplate : readEmailTemplate(raw.emailTemplate, problems);
  if (template) options.emailTemplate = template;
  return options;
}

function readEmailTemplate(raw: unknown, problems: OptionProblems): Partial<EmailTemplate> | undefined {
  if (raw === null) return undefined;
  if (!isJsonObject(raw)) {
    problems.add('otp.emailTemplate', 'invalid_value', 'Must be an object.');
    return undefined;
  }
  const template: Partial<EmailTemplate> = {};
  for (const part of ['subject', 'body'] as const) {
    const value = raw[part];
    if (value === undefined || value === null || value === '') continue;
    if (typeof value === 'string') template[part] = value;
    else problems.add(`otp.emailTemplate.${part}`, 'invalid_value', 'Must be a string.');
  }
  return Object.keys(template).length > 0 ? template : undefined;
}

export function readMFA(
  raw: unknown,
  existing: MFAOptions | undefined,
  problems: OptionProblems,
): MFAOptions {
  const previous = existing ?? defaultMFA();
  if (raw === undefined) return previous;
  if (!isJsonObject(raw)) {
    problems.add('mfa', 'invalid_value', 'Must be an object.');
    return previous;
  }
  let rule = previous.rule;
  if (raw.rule !== undefined) {
    if (typeof raw.rule === 'string') rule = raw.rule;
    else problems.add('mfa.rule', 'invalid_rule', 'Must be a string.');
  }
  return {
    enabled: readSwitch(raw, 'mfa', previous.enabled, problems),
    duration: readSeconds(raw, 'mfa', 'duration', previous.duration, problems),
    rule,
  };
}
