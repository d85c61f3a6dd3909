/**
 * The `solr` tier, what every backend shares: a self-managed Solr search service for eZ Platform /
 * Ibexa DXP. The backends' halves: stacks/aws/tiers/solr.ts (one EC2 host with its index on an EBS
 * volume) and stacks/docker/tiers/solr.ts (a container with a named volume).
 */
import type { Construct } from 'constructs';
import { TerraformOutput } from '../../constructs/core/cdktf';

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
   * Command building the core's configuration from the source the app publishes (see the
   * SearchService constructs of constructs/aws and constructs/docker).
   * @default IBEXA_SOLR_PREPARE_COMMAND
   */
  readonly prepareCommand?: string;
}

/** Construct id of the service in the stack (part of the Terraform addresses). */
export const SOLR_TIER_ID = 'SearchService';

/** The options with their defaults applied, as both backends use them. */
export interface SolrTierPlan {
  /** The core. */
  readonly coreName: string;
  /** Command building the core's configuration. */
  readonly prepareCommand: string;
  /** `SEARCH_ENGINE=solr`, `SOLR_DSN` and `SOLR_CORE`, given Solr's base URL. */
  environment(url: string): Record<string, string>;
}

/** Applies the defaults of {@link SolrTierOptions}. */
export function solrTierPlan(options: SolrTierOptions = {}): SolrTierPlan {
  const coreName = options.coreName ?? 'collection1';
  return {
    coreName,
    prepareCommand: options.prepareCommand ?? IBEXA_SOLR_PREPARE_COMMAND,
    environment: (url) => ({ SEARCH_ENGINE: 'solr', SOLR_DSN: url, SOLR_CORE: coreName }),
  };
}

/** The stack's output of Solr's base URL. */
export function solrOutput(scope: Construct, url: string): void {
  new TerraformOutput(scope, 'solr_dsn', { value: url, description: 'Solr base URL (SOLR_DSN)' });
}
