/**
 * Cloud-init documents of the infrastructure hosts that run no app code (Varnish cache nodes, the Solr
 * host): packages, files and boot commands, without the app environment and secrets of app hosts.
 */
import { CloudConfigFile, renderCloudConfigDocument } from './cloud-config';
import { INSTALL_MULTI_USER, renderSystemdUnit } from './systemd-unit';

/** A file written by cloud-init. */
export type ServiceHostFile = CloudConfigFile;

/** What an infrastructure host installs and runs at first boot. */
export interface ServiceHostSpec {
  /** AWS region (AWS CLI calls of the boot commands). */
  readonly region: string;
  /** OS packages (Amazon Linux 2023 names). */
  readonly packages: readonly string[];
  /** Files to write before the commands run. */
  readonly files: readonly ServiceHostFile[];
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

/** A systemd unit file from its `[Unit]` and `[Service]` lines, started at boot (`renderSystemdUnit`). */
export function systemdUnit(sections: { readonly unit: readonly string[]; readonly service: readonly string[] }): string {
  return renderSystemdUnit({ Unit: sections.unit, Service: sections.service, Install: INSTALL_MULTI_USER });
}
