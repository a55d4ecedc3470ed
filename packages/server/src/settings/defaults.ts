/** The settings and their defaults. Every key a client may set is here, with its type. */
export function defaultSettings() {
  return {
    meta: {
      appName: 'Sluice',
      appURL: 'http://127.0.0.1:8090',
      senderName: 'Support',
      senderAddress: 'support@example.com',
      hideControls: false,
    },
    smtp: {
      enabled: false,
      host: 'smtp.example.com',
      port: 587,
      username: '',
      password: '',
      authMethod: '',
      tls: false,
      localName: '',
    },
    s3: {
      enabled: false,
      bucket: '',
      region: '',
      endpoint: '',
      accessKey: '',
      secret: '',
      forcePathStyle: false,
    },
    logs: { maxDays: 5, minLevel: 0, logIP: true, logAuthId: false },
    rateLimits: { enabled: true, maxAuthAttemptsPerMinute: 20 },
    trustedProxy: { headers: [] as string[], useLeftmostIP: false },
    backups: { cron: '', cronMaxKeep: 3 },
  };
}

export type Settings = ReturnType<typeof defaultSettings>;

/** Paths of values never sent to clients, nor logged. */
export const secretPaths = [
  ['smtp', 'password'],
  ['s3', 'secret'],
] as const;
