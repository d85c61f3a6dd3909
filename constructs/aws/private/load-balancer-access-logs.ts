/**
 * The access-log bucket of a LoadBalancer: encrypted with S3-managed keys (the only kind ALB access
 * logs support), written by the regional ELB account and the log-delivery service.
 */
import { DataAwsElbServiceAccount } from '@cdktf/provider-aws/lib/data-aws-elb-service-account';
import type { Construct } from 'constructs';
import { SecureBucket } from '../secure-bucket';

/** The bucket `AccessLogs` receiving the access logs under `alb/`, kept `retentionDays` days. */
export function accessLogBucket(scope: Construct, prefix: string, retentionDays: number, preventDestroy: boolean): SecureBucket {
  // ALB access logs support SSE-S3 only.
  const bucket = new SecureBucket(scope, 'AccessLogs', {
    bucketPrefix: `${prefix}-alb-logs-`,
    encryption: 's3-managed',
    expireAfterDays: retentionDays,
    noncurrentVersionExpirationDays: 7,
    preventDestroy,
  });
  // The regional ELB account (older regions) and the log-delivery service (newer regions) may write.
  const elbAccount = new DataAwsElbServiceAccount(bucket, 'ElbServiceAccount', {});
  bucket.addToResourcePolicy({
    Sid: 'AllowElbLogDeliveryAccount',
    Effect: 'Allow',
    Principal: { AWS: elbAccount.arn },
    Action: 's3:PutObject',
    Resource: `${bucket.bucketArn}/alb/AWSLogs/*`,
  });
  bucket.addToResourcePolicy({
    Sid: 'AllowElbLogDeliveryService',
    Effect: 'Allow',
    Principal: { Service: 'logdelivery.elasticloadbalancing.amazonaws.com' },
    Action: 's3:PutObject',
    Resource: `${bucket.bucketArn}/alb/AWSLogs/*`,
  });
  return bucket;
}
