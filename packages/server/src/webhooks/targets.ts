import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/** Addresses a webhook may not reach unless private targets are allowed: SSRF into the local network. */
const privateAddresses = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const)
  privateAddresses.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const)
  privateAddresses.addSubnet(network, prefix, 'ipv6');

const PRIVATE_TARGET = 'a private, loopback or link-local address (see SLUICE_WEBHOOKS_ALLOW_PRIVATE)';

/**
 * What can be told of a target without DNS: why its URL cannot be a webhook target (not
 * http(s), a private IP address), or undefined. A host name still needs `addressProblem` on
 * what it resolves to.
 */
export function urlProblem(url: string, allowPrivate: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'Must be an absolute http(s) URL.';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'Must be an http(s) URL.';
  const host = hostOf(parsed);
  if (!allowPrivate && isIP(host) && isPrivateAddress(host)) return `Resolves to ${host}, ${PRIVATE_TARGET}.`;
  return undefined;
}

/** Why a URL cannot be a webhook target, its host resolved, or undefined when it can. */
export async function targetProblem(url: string, allowPrivate: boolean): Promise<string | undefined> {
  const problem = urlProblem(url, allowPrivate);
  if (problem || allowPrivate) return problem;
  const host = hostOf(new URL(url));
  if (isIP(host)) return undefined;
  try {
    return addressProblem((await lookup(host, { all: true })).map((entry) => entry.address));
  } catch {
    return `The host "${host}" cannot be resolved.`;
  }
}

function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

function addressProblem(addresses: readonly string[]): string | undefined {
  const blocked = addresses.find(isPrivateAddress);
  return blocked === undefined ? undefined : `Resolves to ${blocked}, ${PRIVATE_TARGET}.`;
}

/**
 * A `lookup` for outgoing connections that refuses private addresses: the addresses checked are
 * the ones connected to, so a host cannot resolve to a public address for the check and to a
 * private one for the connection (DNS rebinding). IP literals do not go through it (see
 * `urlProblem`).
 */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, entries) => {
      if (error) return callback(error, '', 0);
      const found = entries as LookupAddress[];
      const problem = allowPrivate ? undefined : addressProblem(found.map((entry) => entry.address));
      if (problem) return callback(Object.assign(new Error(problem), { code: 'EPRIVATETARGET' }), '', 0);
      if (options.all) return (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, found);
      const [first] = found;
      if (!first)
        return callback(
          Object.assign(new Error(`No address for "${hostname}".`), { code: 'ENOTFOUND' }),
          '',
          0,
        );
      callback(null, first.address, first.family);
    });
  };
}

export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return privateAddresses.check(mapped[1], 'ipv4');
  const family = isIP(address);
  if (family === 0) return true;
  return privateAddresses.check(address, family === 4 ? 'ipv4' : 'ipv6');
}
