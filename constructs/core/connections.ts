/**
 * The backend-neutral connections model: who may talk to whom on which port.
 * AWS implements it with security-group rules, Docker with network membership.
 */
import type { IPeer } from './peer';
import type { Port } from './port';

/** Something that takes part in network access rules. */
export interface IConnectable {
  /** The network access rules of this construct. */
  readonly connections: IConnections;
}

/** Network access of one construct. */
export interface IConnections {
  /** The port clients use by default (the database port, the Redis port, ...), if any. */
  readonly defaultPort?: Port;

  /** Allows traffic from `other` to this construct on `port`. */
  allowFrom(other: IConnectable | IPeer, port: Port, description: string): void;

  /** Allows traffic from this construct to `other` on `port`. */
  allowTo(other: IConnectable | IPeer, port: Port, description: string): void;

  /** Allows traffic from `other` to this construct on its `defaultPort`. */
  allowDefaultPortFrom(other: IConnectable | IPeer, description?: string): void;
}

/** True when `x` is a construct with connections rather than an address peer. */
export function isConnectable(x: IConnectable | IPeer): x is IConnectable {
  return (x as IConnectable).connections !== undefined;
}
