/**
 * IPv4 CIDR arithmetic used for subnet layout and input validation.
 */

/** Parsed IPv4 CIDR block. */
export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly network: number;
  /** Prefix length, 0-32. */
  readonly prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns undefined when the text is not a CIDR block whose host bits are zero. */
export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  const m = CIDR_RE.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const network = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  if ((network & ~mask) >>> 0 !== 0) return undefined;
  return { network, prefix };
}

/** True when `text` is a valid IPv4 CIDR block with zero host bits. */
export function isIpv4Cidr(text: string): boolean {
  return parseIpv4Cidr(text) !== undefined;
}

/** Formats a parsed block as `a.b.c.d/n`. */
export function formatIpv4Cidr(c: Ipv4Cidr): string {
  const n = c.network;
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${c.prefix}`;
}

/** Terraform's `cidrsubnet(base, newBits, index)`, computed at synth time. */
export function cidrSubnet(base: string, newBits: number, index: number): string {
  const b = parseIpv4Cidr(base);
  if (!b) throw new RangeError(`'${base}' is not an IPv4 CIDR block`);
  const prefix = b.prefix + newBits;
  if (prefix > 32 || index < 0 || index >= 2 ** newBits) {
    throw new RangeError(`cannot take subnet #${index} of /${prefix} from ${base}`);
  }
  const network = (b.network + index * 2 ** (32 - prefix)) >>> 0;
  return formatIpv4Cidr({ network, prefix });
}

/** True when two CIDR blocks share at least one address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseIpv4Cidr(a);
  const y = parseIpv4Cidr(b);
  if (!x || !y) return false;
  const size = (c: Ipv4Cidr): number => 2 ** (32 - c.prefix);
  return x.network < y.network + size(y) && y.network < x.network + size(x);
}
