/**
 * Sticky sessions on a real engine, through the load balancer path Steedos uses: Traefik with the
 * Steedos profile's cookie (`steedos_session`) in front of three app containers. No MongoDB can be
 * produced on our machines, so the app is the probe in its stateless mode (it answers with its
 * container's name); what is proven is the load balancer's part: one client stays on one replica,
 * other clients are spread.
 */
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { App, LocalBackend, TerraformStack } from 'cdktf';
import { AppServerGroup } from '../../constructs/docker/app-server-group';
import { DockerCluster } from '../../constructs/docker/docker-cluster';
import { LoadBalancer } from '../../constructs/docker/load-balancer';
import { STEEDOS_APP } from '../../stacks/profiles/steedos';
import { SITE_HOST, STANDIN_IMAGES } from './config';
import { containersOf, DeploymentLifecycle, docker, engineEnvironment, get, planChanges, replicaOf, report, TestDeployment } from './harness';

const NAME = 'engine-sticky';
const PORT = 18082;
const COOKIE = STEEDOS_APP.stickyCookie as string;

/** The stack: the Docker constructs as a user composes them in code. */
function build(outdir: string, dockerHost: string): void {
  const app = new App({ outdir, stackTraces: false });
  const stack = new TerraformStack(app, NAME);
  new LocalBackend(stack, { path: 'terraform.tfstate' });
  new DockerProvider(stack, 'docker', { host: dockerHost });
  const cluster = new DockerCluster(stack, 'Cluster', { namePrefix: NAME, preventDestroy: false });
  const loadBalancer = new LoadBalancer(stack, 'LoadBalancer', {
    cluster,
    image: STANDIN_IMAGES.traefik,
    domain: SITE_HOST,
    listenAddress: '127.0.0.1',
    httpPort: PORT,
    stickiness: { cookieName: COOKIE },
  });
  new AppServerGroup(stack, 'AppServers', {
    cluster,
    loadBalancer,
    port: 8000,
    healthCheckPath: '/health',
    image: STANDIN_IMAGES.app,
    replicas: 3,
    environment: { PROBE_STATELESS: '1' },
  });
  app.synth();
}

/** The sticky cookie a response sets, as `name=value`. */
function stickyCookie(setCookie: string[]): string | undefined {
  return setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith(`${COOKIE}=`));
}

describe('sticky sessions (the Steedos cookie) on a real engine', () => {
  const { dockerHost } = engineEnvironment();
  const deployment = new TestDeployment(NAME);
  const lifecycle = new DeploymentLifecycle(deployment, () => containersOf(NAME, { all: true }).length > 0);

  test('applies and converges', () => {
    deployment.synthWith((outdir) => build(outdir, dockerHost));
    lifecycle.applyOnce();
    const plan = deployment.plan();
    report(`sticky plan after apply: exit ${plan.status}`);
    expect(plan.status === 0 ? '' : planChanges(plan.stdout)).toBe('');
  });

  test(`one client stays on one replica over 50 requests; new clients are spread (cookie ${COOKIE})`, async () => {
    // The load balancer health-checks the containers every 10 s; wait until all three serve.
    const seen = new Set<string>();
    const firstAnswers: { replica: string; cookie: string }[] = [];
    for (let i = 0; i < 60 && (seen.size < 3 || firstAnswers.length < 12); i++) {
      const answer = await get(PORT, '/', { host: SITE_HOST });
      const replica = replicaOf(answer.body);
      const cookie = stickyCookie(answer.setCookie);
      if (answer.status === 200 && replica && cookie) {
        seen.add(replica);
        firstAnswers.push({ replica, cookie });
      }
      if (seen.size < 3) await new Promise((r) => setTimeout(r, 500));
    }
    expect(seen.size).toBe(3);
    for (const client of firstAnswers.slice(0, 2)) {
      const replicas = new Set<string>();
      for (let i = 0; i < 50; i++) {
        const answer = await get(PORT, '/', { host: SITE_HOST, cookie: client.cookie });
        expect(answer.status).toBe(200);
        replicas.add(replicaOf(answer.body) ?? 'none');
      }
      expect([...replicas]).toEqual([client.replica]);
    }
    report(`sticky: ${firstAnswers.length} new clients landed on ${new Set(firstAnswers.map((a) => a.replica)).size} replicas; 2 clients x 50 requests each stayed on their replica`);
  });

  test('tears down cleanly', () => {
    deployment.destroy();
    expect(containersOf(NAME, { all: true })).toEqual([]);
    expect(docker(['volume', 'ls', '--filter', `label=webcluster.cluster=${NAME}`, '--format', '{{.Name}}'])).toBe('');
    deployment.cleanup();
  });
});
