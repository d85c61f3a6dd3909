/**
 * The one renderer of the systemd unit files (and drop-ins) the AWS hosts' code builds; fixed units
 * are files under `constructs/aws/assets/`.
 */

/** The sections of a unit in file order, e.g. `{ Unit: [...], Service: [...], Install: [...] }`; each line `Key=value`. */
export type UnitSections = Readonly<Record<string, readonly string[]>>;

/** The `[Install]` section of a unit started at boot. */
export const INSTALL_MULTI_USER: readonly string[] = ['WantedBy=multi-user.target'];

/** A unit file: each section's `[Name]` header and lines, one blank line between sections, a final line break. */
export function renderSystemdUnit(sections: UnitSections): string {
  return (
    Object.entries(sections)
      .map(([name, lines]) => [`[${name}]`, ...lines].join('\n'))
      .join('\n\n') + '\n'
  );
}
