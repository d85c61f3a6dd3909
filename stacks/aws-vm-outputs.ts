/**
 * The outputs of an AWS VM cluster (site, load balancer, hosts, data stores, buckets), each in the
 * scope of the construct it describes.
 */
import type { Construct } from 'constructs';
import { TerraformOutput } from '../constructs/core/cdktf';
import type { AwsVmCluster, AwsVmScopes } from './aws-vm-stack-props';
import type { ClusterEndpoints } from './profiles/app-profile';
import { RELEASE_OUTPUTS } from './release-outputs';

/** The stack outputs, each in the scope of the construct it describes. */
export function addAwsVmOutputs(scopes: AwsVmScopes, c: AwsVmCluster, endpoints: ClusterEndpoints): void {
  const out = (scope: Construct, id: string, value: string, description: string): void => {
    new TerraformOutput(scope, id, { value, description });
  };
  out(scopes.app, 'site_url', endpoints.siteUrl, 'Public URL of the site');
  out(scopes.data, 'load_balancer_dns_name', c.loadBalancer.dnsName, 'DNS name of the load balancer (CNAME/alias target)');
  out(scopes.app, RELEASE_OUTPUTS.adminInstance, c.admin.serverId, 'Instance id of the admin host (aws ssm start-session --target <id>)');
  out(scopes.app, RELEASE_OUTPUTS.appGroup, c.appServers.groupName, 'Auto Scaling group of the app hosts');
  if (c.database) {
    out(scopes.data, 'database_writer_endpoint', c.database.writerEndpoint.hostname, 'Aurora writer endpoint (DATABASE_URL host)');
    out(scopes.data, 'database_reader_endpoint', c.database.readerEndpoint.hostname, 'Aurora reader endpoint (DATABASE_REPLICA_0_URL host)');
    out(scopes.data, 'database_master_secret_arn', c.database.masterUserSecretArn, 'Secrets Manager ARN of the AWS-managed master credentials (administration only)');
    out(scopes.data, 'database_app_user_secret_arn', c.database.appUserSecretArn, "Secrets Manager ARN of the app's database user (created by the admin host)");
  }
  for (const cls of c.redis.dataClasses) {
    out(scopes.data, `redis_${cls}_endpoint`, c.redis.endpoint(cls).hostname, `Primary endpoint of the ${cls} Redis`);
  }
  for (const b of c.storage.buckets) {
    out(scopes.data, `bucket_${b.id}`, b.bucketName, `Bucket of ${b.folders.join(', ')}`);
  }
  if (c.storage.cdnDomainName) out(scopes.data, 'cdn_domain_name', c.storage.cdnDomainName, 'CloudFront domain of public files');
}
