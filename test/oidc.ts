import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

// A real OpenID Connect provider on 127.0.0.1 for the tests (oidc-provider), headless: its
// sign-in and consent screens answer by themselves for the account set with `signInAs`.

export interface OidcAccount {
  sub: string;
  email: string;
  email_verified: boolean;
  name: string;
  preferred_username: string;
  picture?: string;
}

export const CLIENT_ID = 'sluice-client';
export const CLIENT_SECRET = 'sluice-client-secret';

export async function oidcServer(redirectUris: string[]) {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = new Map<string, OidcAccount>();
  let current: OidcAccount | undefined;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    features: { devInteractions: { enabled: false } },
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username', 'picture'],
    },
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => accounts.get(sub) ?? { sub },
    }),
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
  });
  const callback = provider.callback();
  const pictures = new Map<string, Buffer>();
  server.on('request', async (request, response) => {
    const picture = request.url ? pictures.get(request.url) : undefined;
    if (picture) return response.writeHead(200, { 'content-type': 'image/png' }).end(picture);
    if (!request.url?.startsWith('/interaction/')) return callback(request, response);
    try {
      const details = await provider.interactionDetails(request, response);
      if (details.prompt.name === 'login') {
        if (!current) throw new Error('No account to sign in as.');
        return await provider.interactionFinished(
          request,
          response,
          { login: { accountId: current.sub } },
          { mergeWithLastSubmission: false },
        );
      }
      const grant = new provider.Grant({
        accountId: details.session?.accountId ?? '',
        clientId: details.params.client_id ?? '',
      });
      grant.addOIDCScope(details.params.scope ?? 'openid');
      return await provider.interactionFinished(
        request,
        response,
        { consent: { grantId: await grant.save() } },
        { mergeWithLastSubmission: true },
      );
    } catch (error) {
      response.statusCode = 500;
      response.end(String(error));
    }
  });
  return {
    issuer,
    /** Serves `content` at `path` (an account's `picture`), as a provider's avatar host does. */
    servePicture(path: string, content: Buffer): string {
      pictures.set(path, content);
      return `${issuer}${path}`;
    },
    /** The account the next sign-in is for. */
    signInAs(account: OidcAccount) {
      accounts.set(account.sub, account);
      current = account;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Follows an authorization URL as a browser would (cookies, redirects) until it leads to
 * `stopAt`; answers that last URL (with `code` and `state`), without requesting it.
 */
export async function followAuthorization(url: string, stopAt: string): Promise<URL> {
  const cookies = new Map<string, string>();
  let next = url;
  for (let hop = 0; hop < 20; hop++) {
    if (next.startsWith(stopAt)) return new URL(next);
    const target = new URL(next);
    const cookie = [...cookies]
      .filter(([, value]) => value !== '')
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
    const response = await fetch(target, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const split = pair.indexOf('=');
      cookies.set(pair.slice(0, split).trim(), pair.slice(split + 1).trim());
    }
    const location = response.headers.get('location');
    await response.arrayBuffer();
    if (!location) throw new Error(`The provider stopped at ${target.pathname} with ${response.status}.`);
    next = new URL(location, target).toString();
  }
  throw new Error('Too many redirects.');
}
