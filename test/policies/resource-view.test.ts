/**
 * The resource view the policy rules read (policies/private/terraform.ts): attributes are resolved when
 * first read, and read the same as the whole block resolved the way cdktf synthesizes it.
 */
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { DefaultTokenResolver, Lazy, StringConcat, TerraformResource, TerraformStack, Testing, Token, Tokenization } from 'cdktf';
import { resourceOf, resourcesOfType } from '../../policies/private/terraform';

function stackWithBucket(): { bucket: S3Bucket; policy: S3BucketPolicy } {
  const stack = new TerraformStack(Testing.app(), 'views');
  const bucket = new S3Bucket(stack, 'Bucket', { bucket: 'media', forceDestroy: true, tags: { project: 'webcluster' } });
  const policy = new S3BucketPolicy(stack, 'Policy', { bucket: bucket.id, policy: Lazy.stringValue({ produce: () => '{"Statement":[]}' }) });
  return { bucket, policy };
}

/** The resource's block resolved whole, as cdktf resolves it into cdk.tf.json (with its "//" metadata). */
function resolvedBlock(node: TerraformResource): Record<string, unknown> {
  const json = Tokenization.resolve(node.toTerraform(), { scope: TerraformStack.of(node), resolver: new DefaultTokenResolver(new StringConcat()) }) as {
    resource: Record<string, Record<string, Record<string, unknown>>>;
  };
  return json.resource[node.terraformResourceType][node.friendlyUniqueId];
}

describe('resource views', () => {
  test('every attribute reads as in the block resolved whole, references as ${...} and lazy values produced', () => {
    const { bucket, policy } = stackWithBucket();
    const view = resourceOf(policy, 'aws_s3_bucket_policy');
    expect(view?.address).toBe(`aws_s3_bucket_policy.${policy.friendlyUniqueId}`);
    expect(view?.attrs.bucket).toBe(`\${aws_s3_bucket.${bucket.friendlyUniqueId}.id}`);
    expect(view?.attrs.policy).toBe('{"Statement":[]}');
    expect(JSON.parse(JSON.stringify(view?.attrs))).toEqual(resolvedBlock(policy));
  });

  test('keys, `in` and spreading see the same attributes as the block resolved whole; a missing one is absent', () => {
    const { bucket } = stackWithBucket();
    const [view] = resourcesOfType(bucket, 'aws_s3_bucket');
    const block = resolvedBlock(bucket);
    expect(Object.keys(view.attrs).sort()).toEqual(Object.keys(block).sort());
    expect('force_destroy' in view.attrs).toBe(true);
    expect('acl' in view.attrs).toBe(false);
    expect(view.attrs.acl).toBeUndefined();
    expect({ ...view.attrs }).toEqual(block);
  });

  test('an attribute that resolves to nothing is absent, as in the block resolved whole', () => {
    const stack = new TerraformStack(Testing.app(), 'views');
    const bucket = new S3Bucket(stack, 'Bucket', { bucket: Token.asString(Lazy.anyValue({ produce: () => undefined })) });
    const view = resourceOf(bucket, 'aws_s3_bucket');
    expect('bucket' in (view?.attrs ?? {})).toBe(false);
    expect(Object.keys(view?.attrs ?? {})).toEqual(Object.keys(resolvedBlock(bucket)));
  });
});
