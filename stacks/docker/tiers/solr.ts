/**
 * The `solr` tier on Docker: a container with a named volume.
 */
import { SearchService, SOLR_CONFIG_SOURCE_PATH, SOLR_CONFIG_SOURCE_READY_FILE } from '../../../constructs/docker/search-service';
import { SOLR_TIER_ID, solrOutput, solrTierPlan, type SolrTierOptions } from '../../tiers/solr';
import type { DockerAppClients, DockerTier, DockerTierBinding, DockerTierContext } from '../container-profile';

/**
 * A tier named `solr`: {@link SearchService}, reachable only from the app and admin containers
 * (`connect()`). The app gets `SEARCH_ENGINE=solr`, `SOLR_DSN`, `SOLR_CORE` and
 * `SOLR_CONFIG_SOURCE_DIR`, a volume shared with Solr where it publishes the `ibexa/solr` package the
 * core's configuration is built from (the publisher creates `.ready` last).
 */
export function solrDockerTier(options: SolrTierOptions = {}): DockerTier {
  const plan = solrTierPlan(options);
  return {
    name: 'solr',
    docker(ctx: DockerTierContext): DockerTierBinding {
      const solr = new SearchService(ctx.dataScope, SOLR_TIER_ID, {
        cluster: ctx.cluster,
        coreName: plan.coreName,
        configSet: { prepareCommand: plan.prepareCommand },
        resources: ctx.resources.search,
        placement: ctx.dataPlacement,
      });
      solrOutput(ctx.dataScope, solr.url);
      return {
        environment: { ...plan.environment(solr.url), SOLR_CONFIG_SOURCE_DIR: SOLR_CONFIG_SOURCE_PATH, SOLR_CONFIG_SOURCE_READY_FILE },
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

/** The `solr` tier with Ibexa's defaults (core `collection1`, config from `ibexa/solr`). */
export const SOLR_DOCKER_TIER: DockerTier = solrDockerTier();
