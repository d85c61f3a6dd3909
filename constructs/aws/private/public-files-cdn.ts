/**
 * The CloudFront distribution of a SharedStorage's `publicRead` bucket (construct ID `Cdn`).
 */
import { CloudfrontDistribution } from '@cdktf/provider-aws/lib/cloudfront-distribution';
import { CloudfrontOriginAccessControl } from '@cdktf/provider-aws/lib/cloudfront-origin-access-control';
import { CloudfrontResponseHeadersPolicy } from '@cdktf/provider-aws/lib/cloudfront-response-headers-policy';
import { Construct } from 'constructs';

/** Managed CloudFront cache policy "CachingOptimized". */
const CACHING_OPTIMIZED_POLICY_ID = '658327ea-f89d-4fab-a63d-7e88639e58f6';

/** Properties of a {@link PublicFilesCdn}. */
export interface PublicFilesCdnProps {
  /** Logical id of the origin bucket; names the policies and the origin. */
  readonly bucketId: string;
  /** Region-specific domain name of the origin bucket. */
  readonly bucketRegionalDomainName: string;
  /** Start of every name (the storage's bucket name prefix). */
  readonly namePrefix: string;
  /**
   * ACM certificate (us-east-1) for `aliases`.
   * @default - CloudFront's default certificate
   */
  readonly certificateArn?: string;
  /**
   * Custom domain names of the distribution.
   * @default - none
   */
  readonly aliases?: readonly string[];
}

/**
 * HTTPS-only distribution with security headers, reading the bucket through an origin access
 * control (SigV4); the bucket policy that lets it read is the caller's.
 *
 * @resource aws_cloudfront_distribution
 */
export class PublicFilesCdn extends Construct {
  /** The distribution. */
  public readonly distribution: CloudfrontDistribution;

  constructor(scope: Construct, id: string, props: PublicFilesCdnProps) {
    super(scope, id);
    const name = `${props.namePrefix}${props.bucketId}`;
    const aliases = props.aliases ?? [];
    const headers = new CloudfrontResponseHeadersPolicy(this, 'SecurityHeaders', {
      name: `${name}-security-headers`,
      comment: 'HSTS, nosniff, frame and referrer policy for public files',
      securityHeadersConfig: {
        strictTransportSecurity: { accessControlMaxAgeSec: 31536000, includeSubdomains: true, preload: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: 'DENY', override: true },
        referrerPolicy: { referrerPolicy: 'strict-origin-when-cross-origin', override: true },
      },
    });
    const oac = new CloudfrontOriginAccessControl(this, 'OriginAccessControl', {
      name,
      description: `Read access of CloudFront to bucket ${props.bucketId}`,
      originAccessControlOriginType: 's3',
      signingBehavior: 'always',
      signingProtocol: 'sigv4',
    });
    const originId = `s3-${props.bucketId}`;
    this.distribution = new CloudfrontDistribution(this, 'Distribution', {
      enabled: true,
      isIpv6Enabled: true,
      comment: name,
      priceClass: 'PriceClass_100',
      httpVersion: 'http2and3',
      aliases: aliases.length > 0 ? [...aliases] : undefined,
      origin: [
        {
          originId,
          domainName: props.bucketRegionalDomainName,
          originAccessControlId: oac.id,
        },
      ],
      defaultCacheBehavior: {
        targetOriginId: originId,
        viewerProtocolPolicy: 'redirect-to-https',
        allowedMethods: ['GET', 'HEAD', 'OPTIONS'],
        cachedMethods: ['GET', 'HEAD'],
        cachePolicyId: CACHING_OPTIMIZED_POLICY_ID,
        responseHeadersPolicyId: headers.id,
        compress: true,
      },
      restrictions: { geoRestriction: { restrictionType: 'none' } },
      viewerCertificate: props.certificateArn
        ? { acmCertificateArn: props.certificateArn, sslSupportMethod: 'sni-only', minimumProtocolVersion: 'TLSv1.2_2021' }
        : { cloudfrontDefaultCertificate: true },
      tags: { Name: name },
    });
  }
}
