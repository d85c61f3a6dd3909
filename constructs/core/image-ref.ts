/**
 * Container image references: every image is pinned by tag (or digest), never `latest`.
 */

const REF_RE = /^(?<repo>[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?:\.[a-z0-9-]+(?::\d+)?)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*)(?::(?<tag>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$/;

/** Why an image reference is not acceptable, or undefined when it is pinned. */
export function imageRefProblem(ref: string): string | undefined {
  const m = REF_RE.exec(ref);
  if (!m?.groups) return 'not an image reference such as traefik:v3.3.5';
  const { tag, digest } = m.groups;
  if (!tag && !digest) return 'no tag: the image is not pinned';
  if (tag === 'latest' && !digest) return "the tag 'latest' is not a pinned version";
  return undefined;
}
