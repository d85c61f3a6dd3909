/**
 * WC-AWS-003: MySQL and PostgreSQL on RDS refuse connections without TLS.
 */
import type { IConstruct } from 'constructs';
import { blocks, isUnresolved, referenced, resourceOf, resourcesOfType, type TfElement } from '../private/terraform';
import type { Compliance, PolicyRule } from '../rule';

/** The parameter that forces TLS for an engine, or undefined for engines this rule does not know. */
function tlsParameter(engine: string): { name: string; values: string[] } | undefined {
  if (engine === 'aurora' || engine.startsWith('aurora-mysql') || engine === 'mysql' || engine === 'mariadb') {
    return { name: 'require_secure_transport', values: ['on', '1'] };
  }
  if (engine.startsWith('aurora-postgresql') || engine === 'postgres') return { name: 'rds.force_ssl', values: ['1'] };
  return undefined;
}

/** The parameter group a database uses, when it is defined in the same stack. */
function parameterGroup(db: TfElement, attribute: string, groupType: string): TfElement | undefined {
  const value = db.attrs[attribute];
  if (typeof value !== 'string') return undefined;
  if (isUnresolved(value)) return referenced(db.node, value, groupType);
  return resourcesOfType(db.node, groupType).find((g) => g.attrs.name === value);
}

function check(node: IConstruct): Compliance {
  const r = resourceOf(node, 'aws_rds_cluster', 'aws_db_instance');
  if (!r) return 'not-applicable';
  const engine = typeof r.attrs.engine === 'string' ? r.attrs.engine : r.type === 'aws_rds_cluster' ? 'aurora' : '';
  const wanted = tlsParameter(engine);
  if (!wanted) return 'not-applicable';
  const group =
    r.type === 'aws_rds_cluster'
      ? parameterGroup(r, 'db_cluster_parameter_group_name', 'aws_rds_cluster_parameter_group')
      : parameterGroup(r, 'parameter_group_name', 'aws_db_parameter_group');
  const value = blocks(group?.attrs.parameter).find((p) => p.name === wanted.name)?.value;
  return typeof value === 'string' && wanted.values.includes(value.toLowerCase()) ? 'compliant' : 'non-compliant';
}

/** RDS databases use a parameter group of this stack that forces TLS. */
export const RdsRequireSecureTransport: PolicyRule = {
  id: 'WC-AWS-003',
  name: 'RdsRequireSecureTransport',
  level: 'error',
  info: 'The database accepts connections without TLS (no parameter group of this stack sets require_secure_transport=ON / rds.force_ssl=1).',
  explanation:
    'RDS accepts plain-text connections unless the parameter group forces TLS; the default parameter groups do not. ' +
    'Credentials and customer data would then cross the network unencrypted whenever a client forgets to ask for TLS. ' +
    'Give the cluster (or instance) a parameter group defined in the same stack with require_secure_transport=ON (MySQL, ' +
    'MariaDB, Aurora MySQL) or rds.force_ssl=1 (PostgreSQL); DatabaseCluster always does.',
  check,
};
