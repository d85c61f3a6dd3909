/**
 * Network ports for the connections model, backend-neutral.
 */

/** IP protocol of a port rule. */
export type PortProtocol = 'tcp' | 'udp';

/** A port or a port range on one protocol. */
export class Port {
  /** One TCP port. */
  public static tcp(port: number): Port {
    return new Port('tcp', port, port);
  }

  /** A range of TCP ports, both ends included. */
  public static tcpRange(fromPort: number, toPort: number): Port {
    return new Port('tcp', fromPort, toPort);
  }

  /** One UDP port. */
  public static udp(port: number): Port {
    return new Port('udp', port, port);
  }

  private constructor(
    /** Protocol. */
    public readonly protocol: PortProtocol,
    /** First port of the range. */
    public readonly fromPort: number,
    /** Last port of the range (equal to `fromPort` for a single port). */
    public readonly toPort: number,
  ) {
    for (const p of [fromPort, toPort]) {
      if (!Number.isInteger(p) || p < 0 || p > 65535) {
        throw new RangeError(`port must be an integer between 0 and 65535, got ${p}`);
      }
    }
    if (fromPort > toPort) {
      throw new RangeError(`port range start (${fromPort}) must not be above its end (${toPort})`);
    }
  }

  /** Stable text form used in rule IDs and descriptions, e.g. `tcp-443` or `tcp-1024-2048`. */
  public toString(): string {
    return this.fromPort === this.toPort
      ? `${this.protocol}-${this.fromPort}`
      : `${this.protocol}-${this.fromPort}-${this.toPort}`;
  }
}
