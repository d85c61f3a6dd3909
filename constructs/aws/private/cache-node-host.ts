/**
 * What runs on an HttpCache node: its cloud-config with the VCL, the script that registers the node's
 * name and the Varnish container unit (files under `constructs/aws/assets/http-cache/`).
 */
import { VARNISH_CONTAINER_PORT } from '../../core/vcl';
import { awsAsset } from './assets';
import { writeFile } from './cloud-config';
import { renderServiceHostConfig } from './service-host';

/**
 * Default Varnish image: the official image (which ships varnish-modules with xkey, and vmod_dynamic)
 * through its ECR Public mirror, so cache nodes behind NAT do not hit Docker Hub's pull limits.
 */
export const DEFAULT_AWS_VARNISH_IMAGE = 'public.ecr.aws/docker/library/varnish:7.6.1';

/** Instance tag (read through instance metadata) that tells a cache node its number. */
export const NODE_TAG = 'VarnishNode';

/** What a cache node's first boot needs. */
export interface CacheNodeOptions {
  readonly region: string;
  /** The rendered VCL. */
  readonly vcl: string;
  /** Name and id of the private hosted zone of the node names. */
  readonly zoneName: string;
  readonly zoneId: string;
  /** Varnish image. */
  readonly image: string;
  /** Port Varnish serves on, on the host. */
  readonly port: number;
  readonly cacheSizeMiB: number;
}

/** The cloud-config of every cache node (Docker, the VCL, the node's name, Varnish under systemd). */
export function cacheNodeConfig(o: CacheNodeOptions): string {
  return renderServiceHostConfig({
    region: o.region,
    packages: ['docker'],
    files: [
      writeFile('/etc/varnish/default.vcl', '0644', o.vcl),
      writeFile('/usr/local/sbin/webcluster-register-node', '0750', awsAsset('http-cache/register-node.sh', { nodeTag: NODE_TAG, zoneName: o.zoneName, zoneId: o.zoneId })),
      writeFile(
        '/etc/systemd/system/varnish.service',
        '0644',
        awsAsset('http-cache/varnish.service', {
          image: o.image,
          hostPort: String(o.port),
          containerPort: String(VARNISH_CONTAINER_PORT),
          cacheSizeMiB: String(o.cacheSizeMiB),
        }),
      ),
    ],
    commands: ['systemctl enable --now docker', '/usr/local/sbin/webcluster-register-node', 'systemctl daemon-reload', 'systemctl enable --now varnish.service'],
  });
}
