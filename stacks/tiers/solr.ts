/**
 * The `solr` tier: a self-managed Solr search service for eZ Platform / Ibexa DXP, on AWS (one EC2
 * host with its index on an EBS volume) and on Docker (a container with a named volume).
 */
import { SearchService as AwsSearchService } from '../../constructs/aws/search-service';
import { TerraformOutput } from '../../constructs/core/cdktf';
import { SearchService as DockerSearchService, SOLR_CONFIG_SOURCE_PATH, SOLR_CONFIG_SOURCE_READY_FILE } from '../../constructs/docker/search-service';
import type { AwsAppClients, AwsTierBinding, AwsTierContext, DockerAppClients, DockerTierBinding, DockerTierContext, Tier } from './tier';

/**
 * How the Solr host turns the `ibexa/solr` package the app publishes into the core's configuration:
 * Ibexa's own script, with the `_default` config set of the installed Solr as the base.
 */
export const IBEXA_SOLR_PREPARE_COMMAND = 'bash bin/generate-solr-config.sh --destination-dir="$CONFIG_SET_DIR/conf" --solr-install-dir=/opt/solr';

/** What the app needs from Solr. */
export interface SolrTierOptions {
  /**
   * The core (Ibexa's single shared core).
   * @default 'collection1'
   */
  readonly coreName?: string;
  /**
   * Command building the core's configuration from the source the app publishes (see
   * {@link AwsSearchService} and {@link DockerSearchService}).
   * @default IBEXA_SOLR_PREPARE_COMMAND
   */
  readonly prepareCommand?: string;
}

/** Construct id of the service in the stack (part of the Terraform addresses). */
const ID = 'SearchService';

/**
 * A tier named `solr`: {@link AwsSearchService} / {@link DockerSearchService}, reachable only from
 * the app and admin nodes (`connect()`). The app gets `SEARCH_ENGINE=solr`, `SOLR_DSN`, `SOLR_CORE`
 * and where to publish the `ibexa/solr` package the core's configuration is built from:
 * `SOLR_CONFIG_SOURCE_URI` (AWS: an S3 object only the admin host may write) or
 * `SOLR_CONFIG_SOURCE_DIR` (Docker: a volume shared with Solr; the publisher creates `.ready` last).
 */
export function solrTier(options: SolrTierOptions = {}): Tier {
  const coreName = options.coreName ?? 'collection1';
  const prepareCommand = options.prepareCommand ?? IBEXA_SOLR_PREPARE_COMMAND;
  const common = (url: string): Record<string, string> => ({ SEARCH_ENGINE: 'solr', SOLR_DSN: url, SOLR_CORE: coreName });
  return {
    name: 'solr',
    aws(ctx: AwsTierContext): AwsTierBinding {
      const solr = new AwsSearchService(ctx.dataScope, ID, {
        network: ctx.network,
        coreName,
        configSet: { prepareCommand },
        preventDestroy: ctx.protect,
        encryptionKey: ctx.encryptionKey,
      });
      output(ctx.dataScope, solr.url);
      new TerraformOutput(ctx.dataScope, 'solr_config_source_uri', {
        value: solr.configSourceUri ?? '',
        description: 'Where the admin host uploads the ibexa/solr package the Solr core is built from (SOLR_CONFIG_SOURCE_URI)',
      });
      return {
        environment: { ...common(solr.url), SOLR_CONFIG_SOURCE_URI: solr.configSourceUri ?? '' },
        secretEnvironment: {},
        connect(clients: AwsAppClients): void {
          for (const host of [clients.app, clients.admin]) solr.connections.allowDefaultPortFrom(host, `Solr from ${host.node.id}`);
          // The setup step (admin host only) publishes the config set source.
          solr.grantConfigSourceWrite(clients.admin);
        },
      };
    },
    docker(ctx: DockerTierContext): DockerTierBinding {
      const solr = new DockerSearchService(ctx.dataScope, ID, {
        cluster: ctx.cluster,
        coreName,
        configSet: { prepareCommand },
        resources: ctx.resources.search,
        placement: ctx.dataPlacement,
      });
      output(ctx.dataScope, solr.url);
      return {
        environment: { ...common(solr.url), SOLR_CONFIG_SOURCE_DIR: SOLR_CONFIG_SOURCE_PATH, SOLR_CONFIG_SOURCE_READY_FILE },
        secrets: {},
        // Solr builds its core from what the app's init task publishes, so the app must not wait for it.
        dependsOn: [],
        volumes: solr.configSourceVolume ? [solr.configSourceVolume] : [],
        connect(clients: DockerAppClients): void {
          for (const client of [clients.app, clients.admin]) solr.connections.allowDefaultPortFrom(client, 'Solr');
        },
      };
    },
  };
}

function output(scope: AwsTierContext['scope'], url: string): void {
  new TerraformOutput(scope, 'solr_dsn', { value: url, description: 'Solr base URL (SOLR_DSN)' });
}

/** The `solr` tier with Ibexa's defaults (core `collection1`, config from `ibexa/solr`). */
export const SOLR_TIER: Tier = solrTier();
