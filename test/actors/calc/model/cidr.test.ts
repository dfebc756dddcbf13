import { describe, expect, it } from 'vitest';
import { parseCidr } from '../../../../src/actors/calc/model/cidr.js';

describe('parseCidr', () => {
  it('writes single addresses as /32 and /128', () => {
    expect(parseCidr('10.0.0.1')).toEqual({ version: 4, text: '10.0.0.1/32' });
    expect(parseCidr('fd00::1')).toEqual({ version: 6, text: 'fd00::1/128' });
  });

  it('clears host bits, as Go net.ParseCIDR does', () => {
    expect(parseCidr('10.1.2.3/16')?.text).toBe('10.1.0.0/16');
    expect(parseCidr('0.0.0.0/0')?.text).toBe('0.0.0.0/0');
    expect(parseCidr('fd00:1:2:3::7/48')?.text).toBe('fd00:1:2::/48');
    expect(parseCidr('::/0')?.text).toBe('::/0');
  });

  it('prints IPv6 compressed and lower-case, longest zero run first', () => {
    expect(parseCidr('FD00:0:0:1:0:0:0:1')?.text).toBe('fd00:0:0:1::1/128');
    expect(parseCidr('::ffff:10.0.0.1')?.text).toBe('::ffff:a00:1/128');
  });

  it('rejects what is not an address or CIDR', () => {
    for (const bad of ['', '10.0.0', '10.0.0.1/33', 'fd00::/129', '10.0.0.1/x', '10.0.0.1/8/8', 'example.com', 'fe80::1%eth0']) {
      expect(parseCidr(bad), bad).toBeUndefined();
    }
  });
});
