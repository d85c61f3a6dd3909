/**
 * How the Auto Scaling groups of the AWS hosts replace instances: launch before terminate, for
 * instance refreshes and for replacements of unhealthy instances alike.
 */

/** The `instanceMaintenancePolicy` and `instanceRefresh` of an Auto Scaling group, in that order. */
export interface LaunchBeforeTerminate {
  /** Replacements of unhealthy instances: a new one is in service before the old one goes. */
  readonly instanceMaintenancePolicy: { readonly minHealthyPercentage: number; readonly maxHealthyPercentage: number };
  /** Rolling refreshes (a new launch template version): the same, rolled back when one fails. */
  readonly instanceRefresh: {
    readonly strategy: string;
    readonly preferences: {
      readonly minHealthyPercentage: number;
      readonly maxHealthyPercentage: number;
      readonly instanceWarmup: string;
      readonly autoRollback: boolean;
    };
  };
}

/**
 * Launch before terminate (100 % healthy minimum, 200 % maximum): with 2 hosts, a minimum of 90 %
 * would terminate one first and halve the capacity. `warmupSeconds`: how long a new instance boots
 * before it counts.
 */
export function launchBeforeTerminate(warmupSeconds: number): LaunchBeforeTerminate {
  return {
    instanceMaintenancePolicy: { minHealthyPercentage: 100, maxHealthyPercentage: 200 },
    instanceRefresh: {
      strategy: 'Rolling',
      preferences: { minHealthyPercentage: 100, maxHealthyPercentage: 200, instanceWarmup: String(warmupSeconds), autoRollback: true },
    },
  };
}
