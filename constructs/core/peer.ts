/**
 * Address-based peers for the connections model (construct peers are `IConnectable`s).
 */
import { isIpv4Cidr } from './cidr';

/** A peer given by addresses rather than by a construct. */
export interface IPeer {
  /** Stable text used in rule IDs, unique per peer. */
  readonly uniqueId: string;
  /** The IPv4 CIDR block this peer stands for. */
  readonly cidrIpv4: string;
}

/** Factories for address peers. */
export class Peer {
  /** Any IPv4 address (0.0.0.0/0). Only the load balancer's 80/443 should ever use this. */
  public static anyIpv4(): IPeer {
    return Peer.ipv4('0.0.0.0/0');
  }

  /** An IPv4 CIDR block such as `203.0.113.0/24`. */
  public static ipv4(cidr: string): IPeer {
    if (!isIpv4Cidr(cidr)) {
      throw new RangeError(`'${cidr}' is not an IPv4 CIDR block such as 203.0.113.0/24`);
    }
    return { uniqueId: cidr, cidrIpv4: cidr };
  }
}
