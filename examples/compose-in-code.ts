/**
 * Composing the constructs in code (the example of docs/constructs.md, type-checked by `npm run typecheck` and
 * synthesized by test/examples.test.ts).
 */
// DOCS_BLOCK_START:compose
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { AppServerGroup } from '../constructs/aws/app-server-group';
import { DatabaseCluster } from '../constructs/aws/database-cluster';
import { ListenerCertificate, LoadBalancer } from '../constructs/aws/load-balancer';
import { Network } from '../constructs/aws/network';

export function buildShop(app: App): TerraformStack {
  const stack = new TerraformStack(app, 'shop');
  new AwsProvider(stack, 'aws', { region: 'eu-central-1' });
  const network = new Network(stack, 'Network', { namePrefix: 'shop', region: 'eu-central-1' });
  const lb = new LoadBalancer(stack, 'LoadBalancer', {
    network,
    certificate: ListenerCertificate.fromArn('arn:aws:acm:eu-central-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666'),
    appTarget: { healthCheckPath: '/api/_info/health-check' },
  });
  const appServers = new AppServerGroup(stack, 'AppServers', {
    network,
    target: lb.appTarget,
    workload: { packages: ['nginx', 'php8.3-fpm'], systemServices: ['php-fpm', 'nginx'] },
    workerCommand: '/usr/bin/php /var/www/app/bin/console messenger:consume async --time-limit=300',
  });
  const db = new DatabaseCluster(stack, 'Database', { network, databaseName: 'shop' });
  db.connections.allowDefaultPortFrom(appServers); // one ingress rule on the DB, one egress rule on the app
  db.grantAppUserRead(appServers); // the app's own database user (created by db.appUserProvisioning() on an admin host)
  return stack;
}
// DOCS_BLOCK_END:compose
