/**
 * IP addresses and CIDR blocks as numbers, for the two places that need arithmetic on them: validation (a CIDR must
 * be in canonical form, an exception must lie inside its block, as the API server demands) and the evaluator
 * (whether an `ipBlock` holds an address). Pure; IPv4 and IPv6.
 */
import { isIPv4, isIPv6 } from "net";

/** An address: its family and its value as a number of 32 or 128 bits. */
export interface IpAddress {
  readonly family: 4 | 6;
  readonly value: bigint;
}

/** A block: the address of its first host and the length of its prefix. */
export interface CidrBlock extends IpAddress {
  readonly prefix: number;
}

const bits = (family: 4 | 6) => (family === 4 ? 32 : 128);

function parseIpv4(text: string): bigint {
  return text.split(".").reduce((value, octet) => (value << 8n) | BigInt(Number(octet)), 0n);
}

function parseIpv6(text: string): bigint {
  let body = text;
  const groups: number[] = [];
  // An embedded IPv4 tail (::ffff:192.0.2.1) counts as two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (v4) {
    const value = Number(parseIpv4(v4[1]));
    body = `${body.slice(0, v4.index)}${(value >>> 16).toString(16)}:${(value & 0xffff).toString(16)}`;
  }
  const [head, tail] = body.includes("::") ? body.split("::") : [body, undefined];
  const parts = (s: string) => (s === "" ? [] : s.split(":").map((g) => parseInt(g, 16)));
  const left = parts(head);
  const right = tail === undefined ? [] : parts(tail);
  groups.push(...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right);
  return groups.reduce((value, group) => (value << 16n) | BigInt(group), 0n);
}

/** An IPv4 or IPv6 address (no zone), or undefined. */
export function parseIp(text: string): IpAddress | undefined {
  if (isIPv4(text)) {
    return { family: 4, value: parseIpv4(text) };
  }
  if (isIPv6(text) && !text.includes("%")) {
    return { family: 6, value: parseIpv6(text) };
  }
  return undefined;
}

/** A CIDR block `address/prefix`, or undefined when it is not one. Host bits may be set; see `isCanonicalCidr`. */
export function parseCidr(text: string): CidrBlock | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text);
  const address = match ? parseIp(match[1]) : undefined;
  if (!match || !address) {
    return undefined;
  }
  const prefix = Number(match[2]);
  if (prefix > bits(address.family) || match[2] !== String(prefix)) {
    return undefined;
  }
  return { ...address, prefix };
}

/** The mask of a block's host bits. */
function hostMask(block: CidrBlock): bigint {
  return (1n << BigInt(bits(block.family) - block.prefix)) - 1n;
}

/** Whether the block's address has no host bits set (10.0.0.0/8, not 10.0.0.1/8), as the API server requires. */
export function isCanonicalCidr(text: string): boolean {
  const block = parseCidr(text);
  return block !== undefined && (block.value & hostMask(block)) === 0n;
}

/** Whether `block` holds `address` (addresses of another family never are). */
export function blockHolds(block: CidrBlock, address: IpAddress): boolean {
  const network = ~hostMask(block);
  return block.family === address.family && (address.value & network) === (block.value & network);
}

/** Whether `inner` lies inside `outer` and is smaller (an `ipBlock.except` must). */
export function strictlyInside(inner: CidrBlock, outer: CidrBlock): boolean {
  return inner.prefix > outer.prefix && blockHolds(outer, inner);
}
