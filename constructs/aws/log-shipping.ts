/**
 * LogShipping: where each host role's log files go. The destination is a pluggable sink
 * ({@link ILogSink}); the default sink is CloudWatch Logs. The rendered agent configuration is
 * stored in an SSM parameter the hosts fetch at boot.
 */
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { Construct } from 'constructs';
import { Token } from '../core/cdktf';
import type { ILogShipping } from '../core/roles';
import { pascalCase } from '../core/names';
import { validate, ValidationError } from '../core/validation-error';
import { CloudWatchLogSink } from './cloudwatch-log-sink';
import type { ILogSink, LogSinkBinding, LogSource } from './log-sink';
import type { IGrantable } from './instance-role';
import type { IEncryptionKey } from './encryption-key';

// The sink contract lives in ./log-sink (no import cycle with the sinks); re-exported here, where it has always been.
export type { ILogSink, LogSinkBinding, LogSinkContext, LogSource } from './log-sink';

/** Properties of a {@link LogShipping}. */
export interface LogShippingProps {
  /** Prefix for resource names, e.g. `shopware-prod`. */
  readonly namePrefix: string;
  /** The host roles and their log files; at least one, roles unique. */
  readonly sources: LogSource[];
  /**
   * How long logs are kept, in days; one of the values CloudWatch Logs accepts
   * (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653).
   * @default 365
   */
  readonly retentionDays?: number;
  /**
   * Where the logs go.
   * @default - a new {@link CloudWatchLogSink}: one CloudWatch log group per role
   */
  readonly sink?: ILogSink;
  /**
   * Customer-managed KMS key of the stored logs (CloudWatch: the log groups; the key policy must let
   * CloudWatch Logs use it, as EncryptionKey's does).
   * @default - AWS-managed keys
   */
  readonly encryptionKey?: IEncryptionKey;
}

/** Retention values CloudWatch Logs accepts. */
export const ALLOWED_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

const ROLE_PATTERN = /^[a-z](?:-?[a-z0-9])*$/;
const NAME_PREFIX_PATTERN = /^[A-Za-z0-9_.-]+$/;
/** SSM parameter value limits by tier. */
const STANDARD_LIMIT = 4096;
const ADVANCED_LIMIT = 8192;

/**
 * Ships the log files of every host role to a sink. Hosts run {@link userDataCommands} at boot and
 * need {@link grantShipping}; the agent configuration lives in the SSM parameter
 * `/webcluster/<namePrefix>/log-agent-config` (Standard tier, Advanced above 4096 characters).
 *
 * @resource aws_ssm_parameter
 */
export class LogShipping extends Construct implements ILogShipping {
  public readonly sinkName: string;
  /** Retention in days. */
  public readonly retentionDays: number;
  /** The roles and their files. */
  public readonly sources: readonly LogSource[];
  /** Name of the SSM parameter holding the agent configuration. */
  public readonly agentConfigParameterName: string;
  /** The SSM parameter resource. */
  public readonly agentConfigParameter: SsmParameter;
  /** Destination of each role, as the sink reported it. */
  public readonly destinations: Readonly<Record<string, string>>;
  private readonly binding: LogSinkBinding;

  constructor(scope: Construct, id: string, props: LogShippingProps) {
    super(scope, id);
    const sources = props.sources;
    const retentionDays = props.retentionDays ?? 365;
    const roles = sources.map((s) => s.role);
    const badRoles = roles.filter((r) => !ROLE_PATTERN.test(r));
    const dupRoles = roles.filter((r, i) => roles.indexOf(r) !== i);
    const clashRoles =
      dupRoles.length > 0 ? [] : roles.filter((r, i) => roles.findIndex((o) => pascalCase(o) === pascalCase(r)) !== i);
    const emptyRoles = sources.filter((s) => s.files.length === 0).map((s) => s.role);
    const badFiles = sources.flatMap((s) => s.files).filter((f) => !f.startsWith('/') || /\s|["'\\]/.test(f));
    const list = (xs: readonly string[]): string => `[${xs.map((x) => `'${x}'`).join(', ')}]`;

    const allFiles = sources.flatMap((src) => [...new Set(src.files)]);
    const sharedFiles = [...new Set(allFiles.filter((f, i) => allFiles.indexOf(f) !== i))];
    validate(this, [
      {
        failed: !Token.isUnresolved(props.namePrefix) && !NAME_PREFIX_PATTERN.test(props.namePrefix),
        message: () =>
          `namePrefix: got '${props.namePrefix}'; allowed: letters, digits, '.', '_' and '-' (usable in log group and SSM parameter names); fix: use e.g. 'shopware-prod'`,
      },
      {
        failed: sources.length === 0,
        message: () => "sources: got []; allowed: at least one role; fix: add e.g. { role: 'app', files: ['/var/log/nginx/error.log'] }",
      },
      {
        failed: badRoles.length > 0,
        message: () =>
          `sources[].role: got ${list(badRoles)}; allowed: lowercase letters, digits and single hyphens, starting with a letter; fix: use roles like 'app' or 'admin'`,
      },
      {
        failed: dupRoles.length > 0,
        message: () => `sources[].role: got duplicates ${list(dupRoles)}; allowed: unique roles; fix: merge the files of a role into one source`,
      },
      {
        failed: clashRoles.length > 0,
        message: () =>
          `sources[].role: got ${list(clashRoles)} whose construct ids clash with another role's (hyphens are dropped); allowed: roles that differ after removing hyphens; fix: rename the role`,
      },
      {
        failed: emptyRoles.length > 0,
        message: () => `sources[].files: got no files for ${list(emptyRoles)}; allowed: at least one file per role; fix: list the role's log files or drop the role`,
      },
      {
        failed: sharedFiles.length > 0,
        message: () =>
          `sources[].files: got ${list(sharedFiles)} under more than one role; allowed: each file in one role (every host runs the same agent configuration, so a file listed twice would be shipped twice); fix: keep the file in one role`,
      },
      {
        failed: badFiles.length > 0,
        message: () =>
          `sources[].files: got ${list(badFiles)}; allowed: absolute paths or globs without spaces, quotes or backslashes; fix: use e.g. '/var/log/nginx/*.log'`,
      },
      {
        failed: !ALLOWED_RETENTION_DAYS.includes(retentionDays),
        message: () =>
          `retentionDays: got ${retentionDays}; allowed: ${ALLOWED_RETENTION_DAYS.join(', ')}; fix: pick the nearest allowed value, e.g. 90`,
      },
    ]);

    this.retentionDays = retentionDays;
    this.sources = sources.map((s) => ({ role: s.role, files: [...s.files] }));
    const sink = props.sink ?? new CloudWatchLogSink();
    this.sinkName = sink.name;
    this.agentConfigParameterName = `/webcluster/${props.namePrefix}/log-agent-config`;

    this.binding = sink.bind(new Construct(this, 'Sink'), {
      namePrefix: props.namePrefix,
      roles: this.sources,
      retentionDays,
      encryptionKey: props.encryptionKey,
    });
    const config = this.binding.agentConfigJson;
    const missing = roles.filter((r) => this.binding.destinations[r] === undefined);
    validate(this, [
      {
        failed: missing.length > 0,
        message: () =>
          `sink: got sink '${sink.name}' without destinations for ${list(missing)}; allowed: a destination for every role; fix: return one destination per role from bind()`,
      },
      {
        failed: config.length > ADVANCED_LIMIT,
        message: () =>
          `sources: got an agent configuration of ${config.length} characters; allowed: at most ${ADVANCED_LIMIT} (SSM Advanced parameter limit); fix: use glob patterns instead of listing many files`,
      },
    ]);
    this.destinations = { ...this.binding.destinations };

    this.agentConfigParameter = new SsmParameter(this, 'AgentConfig', {
      name: this.agentConfigParameterName,
      description: `Log agent configuration (${sink.name}) for ${props.namePrefix}`,
      type: 'String',
      tier: config.length > STANDARD_LIMIT ? 'Advanced' : 'Standard',
      value: config,
    });
  }

  public destinationFor(role: string): string {
    const destination = this.destinations[role];
    if (destination === undefined) {
      throw new ValidationError(
        `role: got '${role}'; allowed: ${this.sources.map((s) => `'${s.role}'`).join(', ')}; fix: add a source for the role or use a declared role`,
        this,
      );
    }
    return destination;
  }

  /** Shell lines for cloud-init that install the agent and start it with the stored configuration. */
  public userDataCommands(): string[] {
    return this.binding.installCommands(this.agentConfigParameterName);
  }

  /** Lets `grantee` read the agent configuration and send logs to the sink. */
  public grantShipping(grantee: IGrantable): void {
    for (const statement of this.binding.iamStatements) grantee.grantPrincipal.addToPolicy(statement);
    grantee.grantPrincipal.addToPolicy({
      Effect: 'Allow',
      Action: 'ssm:GetParameter',
      Resource: this.agentConfigParameter.arn,
    });
  }
}
