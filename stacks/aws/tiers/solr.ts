/**
 * The `solr` tier on AWS: one EC2 host with its index on an EBS volume.
 */
import { SearchService } from '../../../constructs/aws/search-service';
import { TerraformOutput } from '../../../constructs/core/cdktf';
import { SOLR_TIER_ID, solrOutput, solrTierPlan, type SolrTierOptions } from '../../tiers/solr';
import type { AwsAppClients, AwsTier, AwsTierBinding, AwsTierContext } from '../vm-profile';

/**
 * A tier named `solr`: {@link SearchService}, reachable only from the app and admin hosts
 * (`connect()`). The app gets `SEARCH_ENGINE=solr`, `SOLR_DSN`, `SOLR_CORE` and
 * `SOLR_CONFIG_SOURCE_URI`, the S3 object (only the admin host may write it) where it publishes the
 * `ibexa/solr` package the core's configuration is built from.
 */
export function solrAwsTier(options: SolrTierOptions = {}): AwsTier {
  const plan = solrTierPlan(options);
  return {
    name: 'solr',
    aws(ctx: AwsTierContext): AwsTierBinding {
      const solr = new SearchService(ctx.dataScope, SOLR_TIER_ID, {
        network: ctx.network,
        coreName: plan.coreName,
        configSet: { prepareCommand: plan.prepareCommand },
        preventDestroy: ctx.protect,
        encryptionKey: ctx.encryptionKey,
      });
      solrOutput(ctx.dataScope, solr.url);
      new TerraformOutput(ctx.dataScope, 'solr_config_source_uri', {
        value: solr.configSourceUri ?? '',
        description: 'Where the admin host uploads the ibexa/solr package the Solr core is built from (SOLR_CONFIG_SOURCE_URI)',
      });
      return {
        environment: { ...plan.environment(solr.url), SOLR_CONFIG_SOURCE_URI: solr.configSourceUri ?? '' },
        secretEnvironment: {},
        connect(clients: AwsAppClients): void {
          for (const host of [clients.app, clients.admin]) solr.connections.allowDefaultPortFrom(host, `Solr from ${host.node.id}`);
          // The setup step (admin host only) publishes the config set source.
          solr.grantConfigSourceWrite(clients.admin);
        },
      };
    },
  };
}

/** The `solr` tier with Ibexa's defaults (core `collection1`, config from `ibexa/solr`). */
export const SOLR_AWS_TIER: AwsTier = solrAwsTier();
