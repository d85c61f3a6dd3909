/**
 * Cloud-init documents of the infrastructure hosts that run no app code (Varnish cache nodes, the Solr
 * host): packages, files and boot commands, without the app environment and secrets of app hosts.
 */

/** A file written by cloud-init. */
export interface ServiceHostFile {
  /** Absolute path. */
  readonly path: string;
  /** Octal permissions, e.g. `0644`. */
  readonly permissions: string;
  /** Content; Terraform references are fine, literal `${` and `%{` are not (Terraform templates). */
  readonly content: string;
}

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
  const doc = {
    package_update: true,
    packages: [...spec.packages],
    write_files: spec.files.map((f) => ({ path: f.path, permissions: f.permissions, content: f.content })),
    // cloud-init runs all runcmd entries as one script, so the export reaches every command.
    runcmd: [`export AWS_DEFAULT_REGION=${spec.region}`, ...spec.commands],
  };
  return `#cloud-config\n${JSON.stringify(doc, null, 1)}\n`;
}

/** A systemd unit file from its sections. */
export function systemdUnit(sections: { readonly unit: readonly string[]; readonly service: readonly string[] }): string {
  return ['[Unit]', ...sections.unit, '', '[Service]', ...sections.service, '', '[Install]', 'WantedBy=multi-user.target', ''].join('\n');
}
