/**
 * The one `#cloud-config` renderer of the AWS hosts (app and admin hosts, the MongoDB members, the
 * Varnish and Solr hosts) and its `write_files` entries.
 */

/** A file written by cloud-init (`write_files`). */
export interface CloudConfigFile {
  /** Absolute path. */
  readonly path: string;
  /** Octal permissions, e.g. `0644`. */
  readonly permissions: string;
  /** Content; Terraform references are fine, literal `${` and `%{` are not (Terraform templates). */
  readonly content: string;
}

/** A `write_files` entry: `path`, `permissions`, `content`, in that order (the rendered JSON keeps the order of each entry's keys). */
export function writeFile(path: string, permissions: string, content: string): CloudConfigFile {
  return { path, permissions, content };
}

/** What a cloud-config document holds. */
export interface CloudConfigDocument {
  /** OS packages installed first (after a package update). */
  readonly packages: readonly string[];
  /** Files written before the commands run. */
  readonly files: readonly CloudConfigFile[];
  /** Commands run as root, in order; cloud-init runs them as one script. */
  readonly runcmd: readonly string[];
}

/**
 * Renders a `#cloud-config` document: the header line, then the document as JSON (valid YAML, which
 * cloud-init accepts after the header) indented by one space, then a line break.
 */
export function renderCloudConfigDocument(doc: CloudConfigDocument): string {
  const json = {
    package_update: true,
    packages: [...doc.packages],
    write_files: [...doc.files],
    runcmd: [...doc.runcmd],
  };
  return `#cloud-config\n${JSON.stringify(json, null, 1)}\n`;
}
