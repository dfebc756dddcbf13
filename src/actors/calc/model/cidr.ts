/**
 * CIDRs as Felix writes them: an address or a network, normalised to `network/prefix` with host bits
 * cleared (as Go's `net.ParseCIDR` masks), single addresses as `/32` or `/128`. IPv6 in its
 * compressed lower-case form (as Go prints it).
 */
import { isIPv4, isIPv6 } from 'node:net';

export interface Cidr {
  readonly version: 4 | 6;
  readonly text: string;
}

function ipv4ToInt(address: string): number {
  return address.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
}

function intToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

function ipv6ToBigInt(address: string): bigint {
  let text = address;
  if (text.includes('.')) {
    // Embedded IPv4 tail (::ffff:1.2.3.4): rewrite it as two hextets.
    const cut = text.lastIndexOf(':');
    const v4 = ipv4ToInt(text.slice(cut + 1));
    text = `${text.slice(0, cut)}:${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headParts = head === '' ? [] : head.split(':');
  const tailParts = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - headParts.length - tailParts.length;
  const parts = [...headParts, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...tailParts];
  return parts.reduce((sum, part) => (sum << 16n) + BigInt(parseInt(part, 16)), 0n);
}

function bigIntToIpv6(value: bigint): string {
  const parts = Array.from({ length: 8 }, (_, index) => Number((value >> BigInt(112 - 16 * index)) & 0xffffn));
  // Compress the longest run (length ≥ 2) of zero groups, leftmost on ties (RFC 5952, as Go does).
  let bestStart = -1;
  let bestLength = 0;
  for (let start = 0; start < 8; start += 1) {
    let length = 0;
    while (start + length < 8 && parts[start + length] === 0) length += 1;
    if (length > bestLength && length >= 2) {
      bestStart = start;
      bestLength = length;
    }
  }
  const hex = parts.map((part) => part.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Parses `addr` or `addr/prefix`; undefined when it is neither an IPv4 nor an IPv6 CIDR. */
export function parseCidr(input: string): Cidr | undefined {
  const [address = '', prefixText, extra] = input.split('/');
  if (extra !== undefined) return undefined;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  if (isIPv4(address)) {
    const prefix = prefixText === undefined ? 32 : Number(prefixText);
    if (prefix > 32) return undefined;
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return { version: 4, text: `${intToIpv4((ipv4ToInt(address) & mask) >>> 0)}/${prefix}` };
  }
  if (isIPv6(address) && !address.includes('%')) {
    const prefix = prefixText === undefined ? 128 : Number(prefixText);
    if (prefix > 128) return undefined;
    const mask = prefix === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - prefix)) - 1n);
    return { version: 6, text: `${bigIntToIpv6(ipv6ToBigInt(address) & mask)}/${prefix}` };
  }
  return undefined;
}

/** A normalised CIDR as numbers, for containment checks (overlap suppression). */
export interface CidrBits {
  readonly version: 4 | 6;
  readonly prefix: number;
  readonly value: bigint;
}

export function cidrBits(text: string): CidrBits {
  const slash = text.indexOf('/');
  const address = text.slice(0, slash);
  const prefix = Number(text.slice(slash + 1));
  return address.includes(':') ? { version: 6, prefix, value: ipv6ToBigInt(address) } : { version: 4, prefix, value: BigInt(ipv4ToInt(address)) };
}

/** The network of `bits` cut to a shorter prefix, as a map key. */
export function networkKey(bits: CidrBits, prefix: number): string {
  const width = bits.version === 4 ? 32 : 128;
  const hostBits = BigInt(width - prefix);
  return `${bits.version}/${prefix}/${(bits.value >> hostBits) << hostBits}`;
}

/** The host address of an interface CIDR (`10.0.0.5/24` → `10.0.0.5/32`), as Felix uses WEP nets. */
export function hostAddress(text: string): string {
  const slash = text.indexOf('/');
  return `${text.slice(0, slash)}/${text.includes(':') ? 128 : 32}`;
}
