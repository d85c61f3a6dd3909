/**
 * CompositeConnections: the connections of a construct made of several workloads (app, workers,
 * scheduler, init task), so a data store granting access to the construct admits every member.
 */
import type { IConstruct } from 'constructs';
import type { Port } from '../../core/port';
import { DockerConnections, IDockerNetwork } from '../docker-connections';

/**
 * Network membership of a group of workloads. It is a `DockerConnections` (data stores and the load
 * balancer accept only those), owned by the group construct: a network the group joins, because it
 * was granted access to something (`store.connections.allowDefaultPortFrom(group)` or
 * `group.connections.allowTo(store, ...)`), is joined by every member. Clients granted access to the
 * group join its listen network, which only the members that serve clients listen on.
 */
export class CompositeConnections extends DockerConnections {
  private readonly members: DockerConnections[];

  constructor(owner: IConstruct, listenNetwork: IDockerNetwork | undefined, defaultPort: Port | undefined, members: readonly DockerConnections[]) {
    // The base constructor joins the listen network before `members` is set; that join is the
    // group's own and is not passed on (workers do not serve clients).
    super(owner, listenNetwork, defaultPort);
    this.members = [...members];
  }

  /** The member workloads' connections. */
  public get memberConnections(): readonly DockerConnections[] {
    return this.members;
  }

  /** Attaches the group, and so every member, to a network. */
  public override join(network: IDockerNetwork): void {
    super.join(network);
    for (const member of this.members ?? []) member.join(network);
  }
}
