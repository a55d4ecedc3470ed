/**
 * The shape of collections and their fields, as the API exposes them (PocketBase's shape).
 * A collection is a table named after it; each field is a column, except where noted.
 */
export type FieldType =
  | 'text'
  | 'number'
  | 'bool'
  | 'email'
  | 'url'
  | 'date'
  | 'autodate'
  | 'select'
  | 'json'
  | 'relation'
  | 'password'
  | 'file'
  | 'editor'
  | 'geoPoint';

export interface Field {
  id: string;
  name: string;
  type: FieldType;
  required?: boolean;
  hidden?: boolean;
  system?: boolean;
  presentable?: boolean;
  /** text: min/max length; number: min/max value; date: min/max ISO date. */
  min?: number | string | null;
  max?: number | string | null;
  /** text: a regular expression the value must match. */
  pattern?: string;
  /** number: integers only. */
  onlyInt?: boolean;
  /** email/url: allowed or forbidden domains. */
  onlyDomains?: string[];
  exceptDomains?: string[];
  /** select: the allowed values. */
  values?: string[];
  /** select, relation, file: more than 1 stores an array. */
  maxSelect?: number;
  minSelect?: number;
  /** relation: the target collection's id; cascade deletes when the target goes. */
  collectionId?: string;
  cascadeDelete?: boolean;
  /** autodate: set on create and/or on update. */
  onCreate?: boolean;
  onUpdate?: boolean;
  /** editor: store URLs as they were given rather than made relative (PocketBase's TinyMCE option). */
  convertURLs?: boolean;
  /** json, file, editor: size limit in bytes. */
  maxSize?: number;
  /** file: accepted MIME types, thumb sizes (`100x100`…), and whether a token is needed to read. */
  mimeTypes?: string[];
  thumbs?: string[];
  protected?: boolean;
  /** text: auto-generate a value matching this pattern when empty (used for ids). */
  autogeneratePattern?: string;
  primaryKey?: boolean;
}

export type CollectionType = 'base' | 'auth';

export type Rule = string | null;

/** What the activity log keeps of a collection's writes: entries and revisions, entries only, or nothing. */
export type Tracking = 'all' | 'activity' | 'none';

/** How long a token stays valid, in seconds. */
export interface TokenOptions {
  duration: number;
}

/** An email of an auth flow, as PocketBase stores it per collection; placeholders are in docs/api.md. */
export interface EmailTemplate {
  subject: string;
  /** HTML. */
  body: string;
  /** The link `{ACTION_URL}` stands for. */
  actionUrl?: string;
}

/**
 * One OAuth2 provider of an auth collection (PocketBase's shape). `clientSecret` is kept off the
 * enumerable properties (see oauth2-config.ts): it is stored, never serialized to a client.
 */
export interface OAuth2ProviderConfig {
  name: string;
  clientId: string;
  clientSecret?: string;
  authURL: string;
  tokenURL: string;
  userInfoURL: string;
  displayName: string;
  /** null: the provider's default. */
  pkce: boolean | null;
  extra: Record<string, unknown>;
}

export interface OAuth2Options {
  enabled: boolean;
  /** Record fields the OAuth2 user's `id`, `name`, `username` and `avatarURL` fill on sign-up. */
  mappedFields: { id: string; name: string; username: string; avatarURL: string };
  providers: OAuth2ProviderConfig[];
}

export interface OTPOptions {
  enabled: boolean;
  /** Seconds a password stays valid. */
  duration: number;
  length: number;
  emailTemplate?: Partial<EmailTemplate>;
}

export interface MFAOptions {
  enabled: boolean;
  /** Seconds the first method's success stays usable. */
  duration: number;
  /** A filter expression: MFA applies only to the records it matches (blank: all). */
  rule: string;
}

export interface AuthOptions {
  authRule?: Rule;
  manageRule?: Rule;
  passwordAuth: { enabled: boolean; identityFields: string[] };
  authToken: { duration: number };
  refreshToken?: { duration: number };
}

// a type rather than an interface, so that a collection is a `Record<string, unknown>` payload
export type Collection = {
  id: string;
  name: string;
  type: CollectionType;
  system: boolean;
  fields: Field[];
  indexes: string[];
  listRule: Rule;
  viewRule: Rule;
  createRule: Rule;
  updateRule: Rule;
  deleteRule: Rule;
  /** Present on auth collections. */
  authRule?: Rule;
  manageRule?: Rule;
  passwordAuth?: AuthOptions['passwordAuth'];
  authToken?: AuthOptions['authToken'];
  verificationToken?: TokenOptions;
  passwordResetToken?: TokenOptions;
  emailChangeToken?: TokenOptions;
  fileToken?: TokenOptions;
  /** Overrides of the default emails; absent or partial, the defaults fill in. */
  verificationTemplate?: Partial<EmailTemplate>;
  resetPasswordTemplate?: Partial<EmailTemplate>;
  confirmEmailChangeTemplate?: Partial<EmailTemplate>;
  oauth2?: OAuth2Options;
  otp?: OTPOptions;
  mfa?: MFAOptions;
  /** Absent means `all`. */
  tracking?: Tracking;
  created: string;
  updated: string;
};

/** A stored record as the API returns it (hidden fields removed by the caller). */
export type RecordData = Record<string, unknown> & { id: string };
