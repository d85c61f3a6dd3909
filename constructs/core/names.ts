/**
 * Names derived from user ids, shared by both backends. Construct IDs derived here are part of the
 * Terraform addresses: changing what a function returns replaces resources.
 */

/**
 * The construct ID form of a lowercase, hyphenated id: each hyphen-separated part capitalised and
 * joined, `private-files` → `PrivateFiles`, `php-fpm` → `PhpFpm`, `db` → `Db`.
 */
export function pascalCase(id: string): string {
  return id
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
