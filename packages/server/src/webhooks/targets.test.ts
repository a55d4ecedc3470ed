import { describe, expect, it } from 'vitest';
import { isPrivateAddress, targetProblem } from './targets.ts';

describe('webhook targets', () => {
  it('refuses private, loopback and link-local addresses', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '192.168.0.1',
      '172.20.0.1',
      '169.254.169.254',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
    ])
      expect(isPrivateAddress(address), address).toBe(true);
    for (const address of ['93.184.216.34', '2606:2800:220:1::1'])
      expect(isPrivateAddress(address), address).toBe(false);
  });

  it('needs an http(s) URL, and no private address unless allowed', async () => {
    expect(await targetProblem('ftp://example.com/', true)).toBe('Must be an http(s) URL.');
    expect(await targetProblem('not a url', true)).toBe('Must be an absolute http(s) URL.');
    expect(await targetProblem('http://127.0.0.1:9/hook', false)).toMatch('private, loopback or link-local');
    expect(await targetProblem('http://[::1]/hook', false)).toMatch('private, loopback or link-local');
    expect(await targetProblem('http://127.0.0.1:9/hook', true)).toBeUndefined();
  });
});
