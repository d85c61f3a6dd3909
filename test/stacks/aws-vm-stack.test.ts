import { AutoscalingGroup } from "@cdktf/provider-aws/lib/autoscaling-group";
import { ElasticacheReplicationGroup } from "@cdktf/provider-aws/lib/elasticache-replication-group";
import { LbListenerRule } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { CloudfrontDistribution } from "@cdktf/provider-aws/lib/cloudfront-distribution";
import { CloudfrontResponseHeadersPolicy } from "@cdktf/provider-aws/lib/cloudfront-response-headers-policy";
import { RdsCluster } from "@cdktf/provider-aws/lib/rds-cluster";
import { RdsClusterInstance } from "@cdktf/provider-aws/lib/rds-cluster-instance";
import { RdsClusterParameterGroup } from "@cdktf/provider-aws/lib/rds-cluster-parameter-group";
import { Testing } from "cdktf";
import { ListenerCertificate } from "../../constructs/aws/load-balancer";
import { AwsVmStack, AwsVmStackProps } from "../../stacks/aws-vm-stack";
import { SHOPWARE_VM_PROFILE } from "../../stacks/aws/profiles/shopware";
import { localOf, resourcesOf, SynthJson } from "../util";

const BASE: AwsVmStackProps = {
  profile: SHOPWARE_VM_PROFILE,
  region: "eu-central-1",
  domain: "shop.example.com",
  certificate: ListenerCertificate.dnsValidated(
    "shop.example.com",
    "Z0123456789ABCDEFGHIJ"
  ),
  adminCidrs: ["203.0.113.0/24"],
  tags: { project: "webshop" },
};

function build(extra: Partial<AwsVmStackProps> = {}): {
  stack: AwsVmStack;
  synth: string;
  json: SynthJson;
} {
  const app = Testing.app();
  const stack = new AwsVmStack(app, "shopware-aws", { ...BASE, ...extra });
  const synth = Testing.synth(stack);
  return { stack, synth, json: JSON.parse(synth) as SynthJson };
}

describe("AwsVmStack (Shopware profile)", () => {
  const { synth, json } = build();

  test("snapshot", () => {
    expect(synth).toMatchSnapshot();
  });

  test("one Redis per Shopware data class with its eviction policy", () => {
    const groups = resourcesOf(json, "aws_elasticache_replication_group");
    expect(groups).toHaveLength(4);
    const params = resourcesOf(json, "aws_elasticache_parameter_group").map(
      (p) => JSON.stringify(p.parameter)
    );
    expect(params.filter((p) => p.includes("allkeys-lru"))).toHaveLength(1);
    expect(params.filter((p) => p.includes("volatile-lru"))).toHaveLength(2);
    expect(params.filter((p) => p.includes("noeviction"))).toHaveLength(1);
    expect(synth).toHaveResourceWithProperties(ElasticacheReplicationGroup, {
      transit_encryption_enabled: true,
      multi_az_enabled: true,
    });
  });

  test("Aurora MySQL with the Shopware presets, protected", () => {
    expect(synth).toHaveResourceWithProperties(RdsCluster, {
      engine: "aurora-mysql",
      database_name: "shopware",
      manage_master_user_password: true,
      storage_encrypted: true,
      deletion_protection: true,
      skip_final_snapshot: false,
      lifecycle: expect.objectContaining({ prevent_destroy: true }),
    });
    const parameters = JSON.stringify(
      resourcesOf(json, RdsClusterParameterGroup.tfResourceType)[0].parameter
    );
    expect(parameters).toContain(
      '"name":"group_concat_max_len","value":"320000"'
    );
    expect(parameters).toContain(
      '"name":"require_secure_transport","value":"ON"'
    );
    expect(parameters).not.toContain("ONLY_FULL_GROUP_BY");
  });

  test("/admin routed to the admin host from the admin CIDRs only; health check on the Shopware path", () => {
    expect(synth).toHaveResourceWithProperties(LbListenerRule, {
      condition: [
        { path_pattern: { values: ["/admin", "/admin/*"] } },
        { source_ip: { values: ["203.0.113.0/24"] } },
      ],
    });
    expect(synth).toHaveResourceWithProperties(LbTargetGroup, {
      health_check: expect.objectContaining({
        path: "/api/_info/health-check",
      }),
    });
  });

  test("public and private buckets from the seed folder table", () => {
    const buckets = resourcesOf(json, "aws_s3_bucket")
      .map((b) => String(b.bucket_prefix))
      .sort();
    expect(buckets).toEqual([
      "shopware-aws-alb-logs-",
      "shopware-aws-private-",
      "shopware-aws-public-",
    ]);
  });

  test("app hosts run workers consuming async, low_priority and failed with limits; admin runs the only scheduler", () => {
    const app = localOf(json, "AppServers_UserData");
    const admin = localOf(json, "Admin_UserData");
    expect(app).toContain(
      "messenger:consume async low_priority failed --time-limit=300 --memory-limit=512M"
    );
    expect(app).not.toContain("scheduled-task:run");
    expect(admin).toContain("scheduled-task:run");
    expect(admin).toContain("shopware-deployment-helper run");
    expect(synth).toHaveResourceWithProperties(AutoscalingGroup, {
      min_size: 2,
    });
  });

  test("app hosts serve Shopware: nginx to PHP-FPM as the app user with phpredis; blank secrets stop the boot", () => {
    const app = localOf(json, "AppServers_UserData");
    const nginx = /echo '([A-Za-z0-9+/=]+)' \| base64 -d > \/etc\/nginx\/nginx.conf/.exec(app)?.[1];
    expect(Buffer.from(nginx ?? "", "base64").toString()).toContain("root /var/www/app/public;");
    expect(app).toContain("clear_env = no");
    expect(app).toContain("pecl install redis");
    expect(app).toContain('[ -n \\"$v\\" ] || { echo \\"APP_SECRET is empty\\"');
  });

  test("secrets are fetched again every 15 minutes; services restart only when a value changed (RDS rotates its master password)", () => {
    const app = localOf(json, "AppServers_UserData");
    expect(app).toContain("webcluster-secrets-refresh.timer");
    expect(app).toContain("OnUnitActiveSec=15min");
    expect(app).toContain("systemctl try-restart php-fpm.service nginx.service webcluster-worker@1.service webcluster-worker@2.service");
    expect(app).toContain("cmp -s");
  });

  test("worker and admin units write the files the log agent collects; the files rotate", () => {
    expect(localOf(json, "AppServers_UserData")).toContain("StandardOutput=append:/var/log/webcluster/worker.log");
    const admin = localOf(json, "Admin_UserData");
    expect(admin).toContain("StandardOutput=append:/var/log/webcluster/scheduler.log");
    expect(admin).toContain("StandardOutput=append:/var/log/webcluster/setup.log");
    expect(admin).toContain("/etc/logrotate.d/webcluster");
    const agent = String(resourcesOf(json, "aws_ssm_parameter")[0].value);
    expect(agent).toContain("/var/log/webcluster/worker.log");
    expect(agent).toContain("/var/log/webcluster/scheduler.log");
  });

  test("data stores admit only the app and admin hosts", () => {
    const ingress = resourcesOf(json, "aws_vpc_security_group_ingress_rule");
    const toData = ingress.filter((r) =>
      /Redis|Database/.test(String(r.security_group_id))
    );
    expect(
      toData.every(
        (r) =>
          r.referenced_security_group_id !== undefined &&
          r.cidr_ipv4 === undefined
      )
    ).toBe(true);
    expect(
      toData
        .map(
          (r) =>
            String(r.referenced_security_group_id).match(
              /aws_security_group\.(\w+?)_SecurityGroup/
            )?.[1]
        )
        .sort()
    ).toEqual(["Admin", "Admin", "AppServers", "AppServers"]);
    const worldOpen = ingress
      .filter((r) => r.cidr_ipv4 === "0.0.0.0/0")
      .map((r) => r.from_port);
    expect(worldOpen.sort()).toEqual([443, 80]);
  });

  test("common tags through the provider default_tags", () => {
    expect(json.provider?.aws).toEqual([
      expect.objectContaining({
        default_tags: [
          {
            tags: expect.objectContaining({
              project: "webshop",
              "webcluster:environment": "shopware-aws",
              "webcluster:app": "shopware",
            }),
          },
        ],
      }),
    ]);
  });

  test("no literal secret in the synthesized JSON; secrets are read on the hosts at boot", () => {
    expect(synth).not.toMatch(
      /"(master_password|password|auth_token|secret_string)"\s*:/
    );
    expect(synth).not.toMatch(/APP_SECRET=[^\\"]/);
    expect(localOf(json, "AppServers_UserData")).toContain("DATABASE_URL");
    expect(synth).toHaveResourceWithProperties(RdsCluster, {
      manage_master_user_password: true,
    });
  });

  test("database instances report OS metrics (enhanced monitoring); the CDN sends security headers", () => {
    expect(synth).toHaveResourceWithProperties(RdsClusterInstance, {
      monitoring_interval: 60,
      monitoring_role_arn: expect.stringContaining("aws_iam_role.Database_MonitoringRole"),
    });
    const { synth: withCdn } = build({ cdn: true });
    expect(withCdn).toHaveResourceWithProperties(CloudfrontDistribution, {
      default_cache_behavior: expect.objectContaining({
        response_headers_policy_id: expect.stringContaining("aws_cloudfront_response_headers_policy.Storage_Cdn_SecurityHeaders"),
        viewer_protocol_policy: "redirect-to-https",
      }),
    });
    expect(withCdn).toHaveResourceWithProperties(CloudfrontResponseHeadersPolicy, {
      security_headers_config: expect.objectContaining({
        strict_transport_security: expect.objectContaining({ access_control_max_age_sec: 31536000 }),
      }),
    });
  });

  test("the environment contract is an output: plain values, and the secret each secret variable is read from", () => {
    const outputs = json.output ?? {};
    expect(outputs.app_environment?.value).toEqual(expect.objectContaining({ APP_URL: "https://shop.example.com", LOCK_DSN: expect.stringMatching(/^rediss:\/\//) }));
    expect(outputs.app_secret_environment?.value).toEqual({
      APP_SECRET: "${aws_secretsmanager_secret.AppSecret.arn}",
      // The app's own database user, never the master user whose password RDS rotates.
      DATABASE_URL: expect.stringMatching(/^\$\{aws_secretsmanager_secret\.Database_AppUserSecret_[0-9A-F]+\.arn\}$/),
      DATABASE_REPLICA_0_URL: expect.stringMatching(/^\$\{aws_secretsmanager_secret\.Database_AppUserSecret_[0-9A-F]+\.arn\}$/),
    });
  });

  test("outputs carry descriptions", () => {
    const outputs = json.output ?? {};
    for (const name of [
      "load_balancer_dns_name",
      "admin_instance_id",
      "database_writer_endpoint",
      "database_reader_endpoint",
      "bucket_public",
      "bucket_private",
    ]) {
      expect(outputs[name]?.description).toBeTruthy();
    }
  });

  test("local backend by default, with a relative state path", () => {
    expect(json.terraform?.backend).toEqual({
      local: { path: "../../../terraform.shopware-aws.tfstate" },
    });
  });

  test("S3 backend with native locking from config", () => {
    const { json: s3 } = build({
      stateBackend: {
        type: "s3",
        bucket: "tf-state",
        key: "shop/terraform.tfstate",
        region: "eu-central-1",
        encrypt: true,
        useLockfile: true,
      },
    });
    expect(s3.terraform?.backend).toEqual({
      s3: {
        bucket: "tf-state",
        key: "shop/terraform.tfstate",
        region: "eu-central-1",
        encrypt: true,
        use_lockfile: true,
      },
    });
  });

  test("allowDestroy turns protection off explicitly", () => {
    const { synth: dev } = build({ allowDestroy: true });
    expect(dev).toHaveResourceWithProperties(RdsCluster, {
      deletion_protection: false,
    });
    expect(dev).not.toContain('"prevent_destroy": true');
  });

  test("stateful resources keep their Terraform addresses", () => {
    const addresses = Object.entries(json.resource)
      .filter(([type]) =>
        [
          "aws_rds_cluster",
          "aws_elasticache_replication_group",
          "aws_s3_bucket",
        ].includes(type)
      )
      .flatMap(([type, byName]) =>
        Object.keys(byName).map((name) => `${type}.${name}`)
      )
      .sort();
    expect(addresses).toMatchInlineSnapshot(`
      [
        "aws_elasticache_replication_group.Redis_Cache_4FCAFCB6",
        "aws_elasticache_replication_group.Redis_Critical_6AAD13BA",
        "aws_elasticache_replication_group.Redis_Queue_7E7FC68A",
        "aws_elasticache_replication_group.Redis_Sessions_756ACB0E",
        "aws_rds_cluster.Database_B269D8BB",
        "aws_s3_bucket.LoadBalancer_AccessLogs_B27DFC85",
        "aws_s3_bucket.Storage_Private_7A5C981A",
        "aws_s3_bucket.Storage_Public_24EB67DD",
      ]
    `);
  });
});
