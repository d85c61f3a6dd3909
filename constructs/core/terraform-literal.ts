/**
 * Terraform reads every string in a configuration as a template: `${...}` is an interpolation and
 * `%{...}` a directive. Text that must reach a resource as it is (a shell script, a curl format)
 * goes through {@link terraformLiteral} at the point where it enters Terraform.
 */

/** `text` with every `${` and `%{` escaped (`$${`, `%%{`), so Terraform passes it on unchanged. */
export function terraformLiteral(text: string): string {
  return text.replace(/\$\{/g, () => '$${').replace(/%\{/g, () => '%%{');
}
