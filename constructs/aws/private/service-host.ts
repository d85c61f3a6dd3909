/**
 * Cloud-init documents of the infrastructure hosts that run no app code (Varnish cache nodes, the Solr
 * host): packages, files and boot commands, without the app environment and secrets of app hosts.
 */
import { CloudConfigFile, renderCloudConfigDocument } from './cloud-config';

/** What an infrastructure host installs and runs at first boot. */
export interface ServiceHostSpec {
  /** AWS region (AWS CLI calls of the boot commands). */
  readonly region: string;
  /** OS packages (Amazon Linux 2023 names). */
  readonly packages: readonly string[];
  /** Files to write before the commands run. */
  readonly files: readonly CloudConfigFile[];
  /** Commands run as root, in order, after the packages are installed. */
  readonly commands: readonly string[];
}

/** Renders the spec as a `#cloud-config` document (JSON, which is valid YAML). */
export function renderServiceHostConfig(spec: ServiceHostSpec): string {
  return renderCloudConfigDocument({
    packages: spec.packages,
    files: spec.files,
    // cloud-init runs all runcmd entries as one script, so the export reaches every command.
    runcmd: [`export AWS_DEFAULT_REGION=${spec.region}`, ...spec.commands],
  });
}

