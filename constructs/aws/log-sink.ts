/**
 * The contract between `LogShipping` and its pluggable destination ({@link ILogSink}): what a
 * sink is told when it is bound and what it hands back. In its own file so that sinks (e.g.
 * `CloudWatchLogSink`) and LogShipping, which creates the default sink, do not import each other.
 */
import type { Construct } from 'constructs';
import type { IEncryptionKey } from './encryption-key';
import type { PolicyStatement } from './private/iam';

/** The log files of one host role. */
export interface LogSource {
  /** Host role, lowercase letters, digits and single hyphens (e.g. `app`, `admin`, `worker`). */
  readonly role: string;
  /** Absolute paths or glob patterns of the files to ship, e.g. `/var/www/app/var/log/*.log`. */
  readonly files: string[];
}

/** What a sink gets to know when it is bound to a `LogShipping`. */
export interface LogSinkContext {
  /** Prefix for resource names, e.g. `shopware-prod`. */
  readonly namePrefix: string;
  /** The roles and their files, in declaration order. */
  readonly roles: readonly LogSource[];
  /** How long logs are kept, in days. */
  readonly retentionDays: number;
  /**
   * Customer-managed KMS key to encrypt stored logs with, where the sink supports it.
   * @default - the destination's own encryption
   */
  readonly encryptionKey?: IEncryptionKey;
}

/** What a bound sink hands back: where logs go and how hosts send them there. */
export interface LogSinkBinding {
  /** Destination (log group, index, ...) of each role, keyed by role. */
  readonly destinations: Record<string, string>;
  /** Agent configuration, stored in an SSM parameter for the hosts to fetch. */
  readonly agentConfigJson: string;
  /** Shell lines that install the agent and start it with the configuration in `parameterName`. */
  installCommands(parameterName: string): string[];
  /** Permissions hosts need to send logs (reading the SSM parameter is added by `LogShipping`). */
  readonly iamStatements: PolicyStatement[];
}

/** A log destination that `LogShipping` can ship to. */
export interface ILogSink {
  /** Name of the sink, e.g. `cloudwatch`. */
  readonly name: string;
  /** Creates the sink's resources in `scope` and says how hosts ship to it. Called once. */
  bind(scope: Construct, ctx: LogSinkContext): LogSinkBinding;
}
