/**
 * A consumer of the packed library: its own app, stack and provider, composing the AWS load
 * balancer, app server group and database cluster through the package's `exports` map
 * (`webcluster/constructs/aws/<file>`), never through relative paths into the library.
 *
 *   npx tsc -p . && node main.js     # synthesizes into cdktf.out/ (or $CDKTF_OUTDIR)
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import { Port } from 'webcluster';
import { AppServerGroup } from 'webcluster/constructs/aws/app-server-group';
import { DatabaseCluster } from 'webcluster/constructs/aws/database-cluster';
import { ListenerCertificate, LoadBalancer } from 'webcluster/constructs/aws/load-balancer';
import { Network } from 'webcluster/constructs/aws/network';

const app = new App({ outdir: process.env.CDKTF_OUTDIR ?? 'cdktf.out', stackTraces: false });
const stack = new TerraformStack(app, 'consumer-shop');
new AwsProvider(stack, 'aws', { region: 'eu-west-1' });

const network = new Network(stack, 'Network', { namePrefix: 'consumer-shop', region: 'eu-west-1', availabilityZones: ['eu-west-1a', 'eu-west-1b'] });
const lb = new LoadBalancer(stack, 'LoadBalancer', {
  network,
  certificate: ListenerCertificate.fromArn('arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666'),
  appTarget: { healthCheckPath: '/health' },
});
const appServers = new AppServerGroup(stack, 'AppServers', {
  network,
  target: lb.appTarget,
  workload: { packages: ['nginx'], systemServices: ['nginx'] },
  workerCommand: '/usr/bin/env true',
});
const db = new DatabaseCluster(stack, 'Database', { network, databaseName: 'consumer' });
db.connections.allowFrom(appServers, Port.tcp(3306), 'MySQL from the app servers');
db.grantAppUserRead(appServers);

new TerraformOutput(stack, 'load_balancer_dns_name', { value: lb.dnsName });
new TerraformOutput(stack, 'database_writer_endpoint', { value: db.writerEndpoint.hostname });
app.synth();
