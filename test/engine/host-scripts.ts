/**
 * The shell scripts the AWS stacks hand to their hosts, taken from the synthesized JSON: every
 * `#!/bin/bash` file a cloud-config document writes and each document's `runcmd` (cloud-init runs
 * it as one script), with Terraform references replaced by a placeholder, for shellcheck.
 */

/** One script and where it comes from. */
export interface HostScript {
  /** `<local name>:<path>` or `<local name>:runcmd`. */
  readonly origin: string;
  /** The script, starting with its shebang. */
  readonly text: string;
}

/** Replaces every Terraform interpolation (`${...}`, nested braces included) with `TFVALUE`. */
export function withoutInterpolations(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '{' && text[i - 1] !== '$') {
      let depth = 0;
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] === '{') depth++;
        else if (text[j] === '}' && --depth === 0) break;
      }
      out += 'TFVALUE';
      i = j;
    } else {
      out += text[i];
    }
  }
  // Terraform's escape of a literal `${`.
  return out.replace(/\$\$\{/g, '${');
}

/** The scripts of every cloud-config local of one synthesized stack. */
export function hostScripts(stack: { locals?: Record<string, string> }): HostScript[] {
  const scripts: HostScript[] = [];
  for (const [name, value] of Object.entries(stack.locals ?? {})) {
    if (typeof value !== 'string' || !value.startsWith('#cloud-config\n')) continue;
    const doc = JSON.parse(withoutInterpolations(value).slice('#cloud-config\n'.length)) as {
      write_files?: { path: string; content: string }[];
      runcmd?: string[];
    };
    for (const file of doc.write_files ?? []) {
      if (file.content.startsWith('#!/bin/bash')) scripts.push({ origin: `${name}:${file.path}`, text: file.content });
    }
    // cloud-init writes runcmd into one script run by /bin/sh, which is bash on Amazon Linux 2023.
    scripts.push({ origin: `${name}:runcmd`, text: `#!/bin/bash\n${(doc.runcmd ?? []).join('\n')}\n` });
  }
  return scripts;
}
