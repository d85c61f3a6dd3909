/**
 * ListenerCertificate: where the HTTPS listener of a LoadBalancer gets its certificate.
 */

/** Where the HTTPS listener's certificate comes from. */
export class ListenerCertificate {
  /** An existing ACM certificate in the load balancer's region. */
  public static fromArn(certificateArn: string): ListenerCertificate {
    return new ListenerCertificate(certificateArn, undefined, undefined);
  }

  /**
   * A new ACM certificate for `domainName`, validated through DNS records in a Route 53 hosted
   * zone; the zone also gets an alias record pointing the domain at the load balancer.
   */
  public static dnsValidated(domainName: string, hostedZoneId: string): ListenerCertificate {
    return new ListenerCertificate(undefined, domainName, hostedZoneId);
  }

  private constructor(
    /** ARN of an existing certificate. */
    public readonly certificateArn: string | undefined,
    /** Domain of a new certificate. */
    public readonly domainName: string | undefined,
    /** Route 53 zone of `domainName`. */
    public readonly hostedZoneId: string | undefined,
  ) {}
}
