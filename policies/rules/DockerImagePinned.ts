/**
 * WC-DKR-001: every image is pinned by a version tag or a digest.
 */
import type { IConstruct } from 'constructs';
import { imageRefProblem } from '../../constructs/core/image-ref';
import { workloadOf } from '../private/docker';
import { isUnresolved, resourceOf } from '../private/terraform';
import type { Compliance, PolicyRule } from '../rule';

/** Compliance of one image reference; references to other resources or variables are checked where they are defined. */
function pinned(ref: unknown): Compliance {
  if (typeof ref !== 'string' || isUnresolved(ref)) return 'not-applicable';
  return imageRefProblem(ref) === undefined ? 'compliant' : 'non-compliant';
}

function check(node: IConstruct): Compliance {
  const image = resourceOf(node, 'docker_image', 'docker_registry_image');
  if (image) return pinned(image.attrs.name);
  const workload = workloadOf(node);
  return workload ? pinned(workload.spec.image) : 'not-applicable';
}

/** docker_image names and literal container/service images carry a tag other than `latest`, or a digest. */
export const DockerImagePinned: PolicyRule = {
  id: 'WC-DKR-001',
  name: 'DockerImagePinned',
  level: 'error',
  info: "The image is not pinned (no tag, or the tag 'latest'); use a version tag or a digest.",
  explanation:
    "An unpinned image changes under you: the next pull (a new host, a rescheduled task, `terraform apply`) runs whatever " +
    "was pushed last, untested, and two replicas can run different code. Pin a version tag such as 'valkey/valkey:8.0.2' " +
    "or a digest ('image@sha256:...').",
  check,
};
