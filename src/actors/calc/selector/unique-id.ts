/**
 * Felix's content-hash IDs (libcalico-go `hash.MakeUniqueID`): `prefix:` + base64url without padding
 * of SHA-224 over `prefix:content`. Always 38 hash characters, so `s:` and `n:` IDs are 40 long.
 * Verified against Calico's own vector: `all()` → `s:5y5I3VdRZfDU01O--xXAPx2yxCQQqMf0M6IWug`.
 */
import { createHash } from 'node:crypto';

export function makeUniqueId(prefix: string, content: string): string {
  const tagged = `${prefix}:${content}`;
  return `${prefix}:${createHash('sha224').update(tagged).digest('base64url')}`;
}

/** IP set ID of a selector, from its canonical string. */
export function selectorIpSetId(canonicalSelector: string): string {
  return makeUniqueId('s', canonicalSelector);
}

export type NamedPortProtocol = 'tcp' | 'udp' | 'sctp' | 'any';

/** IP set ID of a named port set: the selector's ID, the protocol (`any` without one) and the port name. */
export function namedPortIpSetId(selectorId: string, protocol: NamedPortProtocol, portName: string): string {
  return makeUniqueId('n', `${selectorId},${protocol},${portName}`);
}
