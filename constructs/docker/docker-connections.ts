/**
 * DockerConnections: the connections model on Docker. Access is granted by network membership: a
 * client that may reach a workload joins the network that workload listens on. Docker bridge and
 * overlay networks do not filter ports, so the port of a rule is recorded (for review and diagrams)
 * but isolation is per network.
 */
import { IConstruct } from 'constructs';
import { IConnectable, IConnections, isConnectable } from '../core/connections';
import type { IPeer } from '../core/peer';
import type { Port } from '../core/port';
import { ValidationError } from '../core/validation-error';

/** A Docker network a workload can join. */
export interface IDockerNetwork {
  /** Network name (unique per engine or swarm; the DNS-independent handle for people). @attribute */
  readonly networkName: string;
  /**
   * Network id, which is what Swarm services reference: the engine reports a service's networks by
   * id, so a service that named them would differ from its read-back on every plan. @attribute
   */
  readonly networkId: string;
  /** Whether the network has no route outside the host/cluster. */
  readonly internal: boolean;
}

/** One recorded access rule. */
export interface DockerAccessRule {
  /** Construct path of the client. */
  readonly from: string;
  /** Construct path of the server. */
  readonly to: string;
  /** Port. */
  readonly port: Port;
  /** Why. */
  readonly description: string;
}

/** Network membership of one workload. */
export class DockerConnections implements IConnections {
  /** Port clients use by default. */
  public readonly defaultPort?: Port;
  /** Rules in which this workload is the server. */
  public readonly rules: DockerAccessRule[] = [];
  private readonly joined: IDockerNetwork[] = [];

  constructor(
    private readonly owner: IConstruct,
    /** Network clients reach this workload on; undefined for workloads nobody connects to. */
    public readonly listenNetwork: IDockerNetwork | undefined,
    defaultPort?: Port,
  ) {
    this.defaultPort = defaultPort;
    if (listenNetwork) this.join(listenNetwork);
  }

  /** The networks this workload is attached to, in the order they were joined. */
  public get networks(): readonly IDockerNetwork[] {
    return this.joined;
  }

  /** Attaches this workload to a network (once). */
  public join(network: IDockerNetwork): void {
    if (!this.joined.some((n) => n.networkName === network.networkName)) this.joined.push(network);
  }

  public allowFrom(other: IConnectable | IPeer, port: Port, description: string): void {
    const client = asDocker(other, this.owner);
    if (!this.listenNetwork) {
      throw new ValidationError(`allowFrom: this workload listens on no network; fix: give it a listen network before granting access`, this.owner);
    }
    client.join(this.listenNetwork);
    this.rules.push({ from: client.owner.node.path, to: this.owner.node.path, port, description });
  }

  public allowTo(other: IConnectable | IPeer, port: Port, description: string): void {
    asDocker(other, this.owner).allowFrom({ connections: this }, port, description);
  }

  public allowDefaultPortFrom(other: IConnectable | IPeer, description?: string): void {
    if (!this.defaultPort) {
      throw new ValidationError('allowDefaultPortFrom() needs a defaultPort; fix: call allowFrom() with a port', this.owner);
    }
    this.allowFrom(other, this.defaultPort, description ?? `default port of ${this.owner.node.id}`);
  }
}

function asDocker(other: IConnectable | IPeer, owner: IConstruct): DockerConnections {
  if (!isConnectable(other)) {
    throw new ValidationError(
      `cannot allow ${other.cidrIpv4}: Docker networks admit containers, not address blocks; fix: restrict addresses at the load balancer (ipAllowList) instead`,
      owner,
    );
  }
  if (!(other.connections instanceof DockerConnections)) {
    throw new ValidationError('cannot connect to a construct whose connections are not Docker networks; fix: connect constructs of the same backend', owner);
  }
  return other.connections;
}
