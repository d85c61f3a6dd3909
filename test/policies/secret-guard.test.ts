/**
 * Secret guard: one true positive per pattern, the look-alikes it must not flag, and the scan of a
 * synthesis output directory.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findSecrets, findSecretsInText, formatSecretFinding, isLiteralValue, isSecretName, scanSynthDirectory } from '../../policies/secret-guard';

/** `path kind` of each finding in a stack JSON. */
function found(json: unknown): string[] {
  return findSecrets(json, 'shop').map((f) => `${f.path} ${f.kind}`);
}

const PEM = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEA7', '-----END RSA PRIVATE KEY-----'].join('\n');

describe('true positives, one per pattern', () => {
  test('a literal password attribute', () => {
    expect(found({ resource: { aws_db_instance: { Db_1: { password: 'hunter2hunter2' } } } })).toEqual([
      "resource.aws_db_instance.Db_1.password literal value for 'password'",
    ]);
  });

  test('master_password, auth_token, secret_string, private_key, access_key, client_secret', () => {
    const resource = {
      aws_rds_cluster: { Db: { master_password: 'S3cret!' } },
      aws_elasticache_replication_group: { Redis: { auth_token: 'abcdefghijklmnop' } },
      aws_secretsmanager_secret_version: { V: { secret_string: '{"k":"v"}' } },
      tls_self_signed_cert: { C: { private_key_pem: 'x' } },
      aws_iam_access_key: { K: { access_key: 'AKIDEXAMPLE' } },
      aws_lb_listener: { L: { default_action: [{ authenticate_oidc: { client_secret: 'oidc-secret' } }] } },
    };
    expect(found({ resource })).toEqual([
      "resource.aws_rds_cluster.Db.master_password literal value for 'master_password'",
      "resource.aws_elasticache_replication_group.Redis.auth_token literal value for 'auth_token'",
      "resource.aws_secretsmanager_secret_version.V.secret_string literal value for 'secret_string'",
      "resource.tls_self_signed_cert.C.private_key_pem literal value for 'private_key_pem'",
      "resource.aws_iam_access_key.K.access_key literal value for 'access_key'",
      "resource.aws_lb_listener.L.default_action[0].authenticate_oidc.client_secret literal value for 'client_secret'",
    ]);
  });

  test('the default of a secret-looking variable, and the data of a docker_secret', () => {
    expect(
      found({
        variable: { db_password: { type: 'string', default: 'changeme-123' } },
        resource: { docker_secret: { S: { name: 'app', data: 'c2VjcmV0' } } },
      }),
    ).toEqual(["variable.db_password.default literal value for 'db_password'", "resource.docker_secret.S.data literal value for 'secret_data'"]);
  });

  test('a KEY=value env entry of a container, and a Swarm env map', () => {
    const json = {
      resource: {
        docker_container: { App_1: { env: ['APP_ENV=prod', 'APP_SECRET=0123456789abcdef'] } },
        docker_service: { Db: { task_spec: { container_spec: { env: { MARIADB_ROOT_PASSWORD: 'root' } } } } },
      },
    };
    expect(found(json)).toEqual([
      'resource.docker_container.App_1.env[1] literal value for the secret-looking variable APP_SECRET',
      "resource.docker_service.Db.task_spec.container_spec.env.MARIADB_ROOT_PASSWORD literal value for 'MARIADB_ROOT_PASSWORD'",
    ]);
  });

  test('an env line inside user data (escaped JSON in a local)', () => {
    const userData = JSON.stringify({ write_files: [{ path: '/etc/app.env', content: 'APP_URL=https://shop\nJWT_PRIVATE_KEY=abc123\n' }] });
    expect(found({ locals: { UserData: userData } })).toEqual(['locals.UserData literal value for the secret-looking variable JWT_PRIVATE_KEY']);
  });

  test('a password in a URL', () => {
    expect(found({ resource: { docker_container: { App: { env: ['DATABASE_URL=mysql://shop:pa55word@db:3306/shop'] } } } })).toEqual([
      'resource.docker_container.App.env[0] a password in a URL (scheme://user:password@host)',
    ]);
  });

  test('a PEM private key block', () => {
    expect(found({ resource: { aws_key_pair: { K: { tags: { note: PEM } } } } })).toEqual(['resource.aws_key_pair.K.tags.note a PEM private key block']);
  });

  test('an AWS access key id', () => {
    expect(found({ provider: { aws: [{ region: 'eu-central-1', profile: 'AKIAIOSFODNN7EXAMPLE' }] } })).toEqual([
      'provider.aws[0].profile an AWS access key id (AKIA/ASIA...)',
    ]);
  });
});

describe('no false positives', () => {
  test("cdktf's top-level // bookkeeping (output names) is not configuration", () => {
    const json = { '//': { outputs: { shop: { app_secret_environment: 'app_secret_environment' } } }, output: { app_secret_environment: { value: { APP_SECRET: '${var.app_secret}' } } } };
    expect(findSecrets(json, 'shop')).toEqual([]);
    // ...but a literal under a real key still counts.
    expect(findSecrets({ output: { app_secret_environment: { value: { APP_SECRET: 'hunter2hunter2hunter2' } } } }, 'shop')).not.toEqual([]);
  });

  test('references, runtime lookups, file variables, ARNs, paths and flags', () => {
    const json = {
      variable: { db_password: { type: 'string', sensitive: true } },
      resource: {
        aws_db_instance: { Db: { password: '${var.db_password}', manage_master_user_password: true } },
        aws_launch_template: { T: { metadata_options: { http_tokens: 'required' } } },
        aws_autoscaling_group: { G: { tag: [{ key: 'Name', value: 'app', propagate_at_launch: true }] } },
        aws_secretsmanager_secret: { AppSecret: { name_prefix: 'shop/app_secret-', description: 'APP_SECRET shared by every node' } },
        docker_container: {
          App: {
            env: [
              'APP_SECRET=${var.app_secret}',
              'DATABASE_PASSWORD_FILE=/run/secrets/db_password',
              'APP_SECRET_ARN=arn:aws:secretsmanager:eu-central-1:123456789012:secret:x',
              'AWS_ACCESS_KEY_ID=${var.key_id}',
              'SESSION_TOKEN_TTL=3600',
              'JWT_PUBLIC_KEY=abc',
              'REDIS_URL=rediss://cache:6379/0',
            ],
          },
        },
        terraform_data: { Script: { input: "printf '%s=%s\\n' APP_SECRET \"$(fetch 'arn')\" >> \"$tmp\"\nexport DB_PASSWORD=$(cat /run/secrets/db)" } },
      },
      output: { database_master_secret_arn: { value: '${aws_rds_cluster.Db.master_user_secret[0].secret_arn}' } },
      terraform: { backend: { s3: { bucket: 'state', key: 'shop/terraform.tfstate' } } },
    };
    expect(found(json)).toEqual([]);
  });

  test('the names and values the rules are built on', () => {
    expect(['APP_SECRET', 'db_password', 'secretString', 'private_key', 'private_key_pem', 'SECRET_KEY_BASE', 'apikey'].map(isSecretName)).toEqual(
      Array(7).fill(true),
    );
    expect(
      ['APP_SECRET_FILE', 'secret_arn', 'KEY_ID', 'http_tokens', 'key', 'partition_key', 'PUBLIC_KEY', 'PASSWORD_LENGTH', 'customer_master_key_spec'].map(isSecretName),
    ).toEqual(Array(9).fill(false));
    expect(['${var.x}', '$(cat f)', '$X', '/run/secrets/x', 'arn:aws:kms:x', '<set me>', 'true', ''].map(isLiteralValue)).toEqual(Array(8).fill(false));
    expect(isLiteralValue('hunter2')).toBe(true);
  });
});

describe('scanSynthDirectory', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-guard-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('names the stack for stack files, the file otherwise, and never prints the value', () => {
    fs.mkdirSync(path.join(dir, 'stacks', 'shop-prod'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'stacks', 'shop-prod', 'cdk.tf.json'), JSON.stringify({ resource: { aws_db_instance: { Db: { password: 'hunter2hunter2' } } } }));
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ version: '0.21.0', stacks: {} }));
    fs.mkdirSync(path.join(dir, 'assets'));
    fs.writeFileSync(path.join(dir, 'assets', 'deploy.sh'), `#!/bin/sh\necho ok\n${PEM}\n`);
    const lines = scanSynthDirectory(dir).map(formatSecretFinding);
    expect(lines).toEqual([
      expect.stringMatching(/^\[secret-guard\] assets\/deploy\.sh: line 3: a PEM private key block; fix: /),
      expect.stringMatching(/^\[secret-guard\] shop-prod: resource\.aws_db_instance\.Db\.password: literal value for 'password'; fix: /),
    ]);
    expect(lines.join('\n')).not.toContain('hunter2');
  });

  test('an output without secrets gives no finding', () => {
    fs.mkdirSync(path.join(dir, 'stacks', 'a'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'stacks', 'a', 'cdk.tf.json'), JSON.stringify({ resource: { aws_s3_bucket: { B: { bucket_prefix: 'a-' } } } }));
    expect(scanSynthDirectory(dir)).toEqual([]);
    expect(findSecretsInText('APP_ENV=prod\nAPP_SECRET=', 'x')).toEqual([]);
  });
});
