import { DlmLifecyclePolicy } from '@cdktf/provider-aws/lib/dlm-lifecycle-policy';
import { EbsVolume } from '@cdktf/provider-aws/lib/ebs-volume';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { Route53Zone } from '@cdktf/provider-aws/lib/route53-zone';
import { SecretsmanagerSecret } from '@cdktf/provider-aws/lib/secretsmanager-secret';
import { SsmAssociation } from '@cdktf/provider-aws/lib/ssm-association';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import { VolumeAttachment } from '@cdktf/provider-aws/lib/volume-attachment';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Testing, TerraformStack } from 'cdktf';
import { spawnSync } from 'child_process';
import { AdminServer } from '../../../constructs/aws/admin-server';
import { DocumentDatabase, DocumentDatabaseProps } from '../../../constructs/aws/document-database';
import { Network } from '../../../constructs/aws/network';
import { findSecrets } from '../../../policies/secret-guard';
import { localOf, makeNetwork, makeStack, resolveTokenAndSynth, resourcesOf, stubNetwork, synthJson, SynthJson, synthTextAndJson } from '../../util';

/** A file that a member's cloud-config writes, by path. */
function userDataFile(json: SynthJson, member: number, path: string): string {
  const doc = JSON.parse(localOf(json, `Mongo_Member${member}_UserData`).replace(/^#cloud-config\n/, '')) as { write_files: { path: string; content: string }[] };
  const file = doc.write_files.find((f) => f.path === path);
  if (file === undefined) throw new Error(`member ${member} writes no ${path}`);
  return file.content;
}

/** The commands of the setup document's one step. */
function documentCommands(json: SynthJson): string[] {
  const [document] = resourcesOf(json, 'aws_ssm_document');
  const content = JSON.parse(String(document.content)) as { mainSteps: { inputs: { runCommand: string[] } }[] };
  return content.mainSteps[0].inputs.runCommand;
}

/** What `bash -n` says about a script whose Terraform references are replaced by a placeholder: '' when it parses without a warning. */
function bashSyntaxProblems(script: string): string {
  const result = spawnSync('bash', ['-n'], { input: script.replace(/\$\{[a-z][^}]*\}/g, 'REF'), encoding: 'utf8' });
  // An unterminated here-document is only a warning, with exit status 0.
  return result.status === 0 && result.stderr === '' ? '' : `exit ${result.status}: ${result.stderr}`;
}

const SETUP = '/usr/local/sbin/webcluster-mongo-setup';
const NAMES = ['member-1.mongodb.test.internal', 'member-2.mongodb.test.internal', 'member-3.mongodb.test.internal'];

describe('DocumentDatabase (AWS)', () => {
  let stack: TerraformStack;
  let network: Network;
  const make = (extra: Partial<DocumentDatabaseProps> = {}): DocumentDatabase =>
    new DocumentDatabase(stack, 'Mongo', { network, appDatabases: ['steedos', 'tables'], ...extra });

  beforeEach(() => {
    stack = makeStack();
    network = makeNetwork(stack);
  });

  test('three private members, one per zone, IMDSv2 only, auto-recovery, in the app subnets', () => {
    // WHEN
    make();
    // THEN
    const { text, json } = synthTextAndJson(stack);
    const instances = resourcesOf(json, 'aws_instance');
    expect(instances).toHaveLength(3);
    expect(instances.map((i) => i.subnet_id)).toEqual([
      '${aws_subnet.Network_Zone1_AppSubnet_59D68897.id}',
      '${aws_subnet.Network_Zone2_AppSubnet_DDBC0137.id}',
      '${aws_subnet.Network_Zone3_AppSubnet_C48F7C08.id}',
    ]);
    expect(text).toHaveResourceWithProperties(Instance, {
      instance_type: 'r7i.large',
      associate_public_ip_address: false,
      metadata_options: expect.objectContaining({ http_tokens: 'required', http_put_response_hop_limit: 1 }),
      maintenance_options: { auto_recovery: 'default' },
      root_block_device: expect.objectContaining({ encrypted: true }),
      lifecycle: { ignore_changes: ['ami', 'user_data_base64'] },
    });
  });

  test('an encrypted gp3 data volume per member in its zone, protected, attached by device name', () => {
    make();
    const { text: synth, json } = synthTextAndJson(stack);
    const volumes = resourcesOf(json, 'aws_ebs_volume');
    expect(volumes.map((v) => v.availability_zone)).toEqual(['eu-central-1a', 'eu-central-1b', 'eu-central-1c']);
    expect(synth).toHaveResourceWithProperties(EbsVolume, {
      type: 'gp3',
      encrypted: true,
      size: 100,
      final_snapshot: true,
      lifecycle: { prevent_destroy: true },
    });
    expect(synth).toHaveResourceWithProperties(VolumeAttachment, {
      device_name: '/dev/sdf',
      instance_id: '${aws_instance.Mongo_Member1_24A27566.id}',
      volume_id: '${aws_ebs_volume.Mongo_Member1_DataVolume_CA49A345.id}',
    });
    expect(synth).toHaveResourceWithProperties(DlmLifecyclePolicy, {
      policy_details: expect.objectContaining({ resource_types: ['VOLUME'], target_tags: { 'webcluster:snapshots': 'test-mongo-data' } }),
    });
  });

  test('preventDestroy: false leaves the volumes unprotected', () => {
    make({ preventDestroy: false });
    expect(resourcesOf(synthJson(stack), 'aws_ebs_volume').every((v) => (v.lifecycle as { prevent_destroy: boolean }).prevent_destroy === false)).toBe(true);
  });

  test('members reach each other on 27017; clients only when granted', () => {
    // GIVEN
    const db = make();
    const admin = new AdminServer(stack, 'Admin', { network, workload: {} });
    // WHEN
    db.connections.allowDefaultPortFrom(admin);
    // THEN
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
      from_port: 27017,
      referenced_security_group_id: '${aws_security_group.Mongo_SecurityGroup_6EA15D4E.id}',
      security_group_id: '${aws_security_group.Mongo_SecurityGroup_6EA15D4E.id}',
    });
    expect(synth).toHaveResourceWithProperties(VpcSecurityGroupIngressRule, {
      from_port: 27017,
      referenced_security_group_id: '${aws_security_group.Admin_SecurityGroup_B8BA831C.id}',
    });
    expect(db.connections.defaultPort?.fromPort).toBe(27017);
  });

  test('key file and credentials are secrets without values, filled by member 1; no secret in the JSON', () => {
    const db = make();
    const { text: synth, json } = synthTextAndJson(stack);
    const secrets = resourcesOf(json, 'aws_secretsmanager_secret');
    expect(secrets).toHaveLength(3);
    expect(resourcesOf(json, 'aws_secretsmanager_secret_version')).toHaveLength(0);
    expect(synth).toHaveResourceWithProperties(SecretsmanagerSecret, { name_prefix: 'test-mongo/key-file-' });
    const keyFile = resolveTokenAndSynth(stack, db.keyFileSecretArn);
    expect(keyFile.value).toMatch(/^\$\{aws_secretsmanager_secret\.Mongo_KeyFile_[0-9A-F]+\.arn\}$/);
    const member1 = localOf(keyFile.json, 'Mongo_Member1_UserData');
    expect(member1).toContain("openssl rand -base64 756");
    expect(member1).toContain('generate ');
    expect(localOf(keyFile.json, 'Mongo_Member2_UserData')).not.toContain('generate ');
    expect(findSecrets(keyFile.json, 'test')).toEqual([]);
  });

  test('cloud-init: official 7.0 repository, mongod.conf with replSetName, keyFile and the instance address', () => {
    make();
    const userData = localOf(synthJson(stack), 'Mongo_Member2_UserData');
    expect(userData).toContain('https://repo.mongodb.org/yum/amazon/2023/mongodb-org/7.0/x86_64/');
    expect(userData).toContain('mongodb-org');
    expect(userData).toContain('replSetName: rs0');
    expect(userData).toContain('keyFile: /etc/mongod.key');
    expect(userData).toContain('bindIp: 127.0.0.1,$ip');
    expect(userData).not.toContain('webcluster-mongo-rs-init');
  });

  test('member 1 initiates the replica set idempotently with every member by its stable name and creates the app user', () => {
    make();
    const json = synthJson(stack);
    const userData = localOf(json, 'Mongo_Member1_UserData');
    expect(userData).toContain('webcluster-mongo-rs-init.service');
    const init = userDataFile(json, 1, '/usr/local/sbin/webcluster-mongo-rs-init');
    expect(init).toContain('if (!db.hello().setName)');
    expect(init).toContain('rs.initiate(');
    // Member 1 lists itself first (priority 2) and every other member, all by stable name.
    expect(init).toContain(`members="${NAMES.map((n) => `${n}:27017`).join(' ')}"`);
    expect(init).not.toContain('local-hostname');
    expect(userData).not.toContain('private_dns');
    expect(init).toContain('{role: "readWrite", db: "steedos"}');
    expect(init).toContain('{role: "read", db: "local"}');
    // Terraform would read "${" in a script as interpolation: only resource references may use it.
    expect(userData.match(/\$\{[^a}]/g) ?? []).toEqual([]);
  });

  test('a private zone mongodb.<namePrefix>.internal on the VPC, one A record member-<n> per member (TTL 30, its private address)', () => {
    const db = make();
    const { text, json } = synthTextAndJson(stack);
    expect(text).toHaveResourceWithProperties(Route53Zone, {
      name: 'mongodb.test.internal',
      vpc: [{ vpc_id: '${aws_vpc.Network_1C6012B5.id}' }],
    });
    expect(db.zoneName).toBe('mongodb.test.internal');
    const records = resourcesOf(json, 'aws_route53_record');
    expect(records).toEqual(
      ['Mongo_Member1_24A27566', 'Mongo_Member2_C3F3C08A', 'Mongo_Member3_D6F97F50'].map((instance, i) => ({
        name: NAMES[i],
        type: 'A',
        ttl: 30,
        records: [`\${aws_instance.${instance}.private_ip}`],
        zone_id: expect.stringMatching(/^\$\{aws_route53_zone\.Mongo_MemberZone_[0-9A-F]+\.zone_id\}$/),
      })),
    );
  });

  test('members, url() and the whole configuration name the members by stable names, never by EC2 private DNS', () => {
    const db = make();
    expect(db.members).toEqual(NAMES.map((hostname) => ({ hostname, port: 27017 })));
    expect(db.memberNames).toEqual(NAMES);
    expect(db.url('steedos')).toBe(`mongodb://{username}:{password}@${NAMES.map((n) => `${n}:27017`).join(',')}/steedos?replicaSet=rs0&authSource=admin`);
    expect(Testing.synth(stack)).not.toMatch(/private_dns|local-hostname/);
  });

  test('every member waits, bounded, until the names resolve: its own to its own address before mongod starts, all of them before rs.initiate', () => {
    make();
    const json = synthJson(stack);
    const setup = userDataFile(json, 2, SETUP).split('\n');
    const ownName = setup.findIndex((l) => l.includes('getent ahostsv4 "$name"'));
    expect(setup[ownName]).toMatch(/^for _ in \$\(seq 1 180\); do .*if \[ "\$resolved" = "\$ip" \]; then break; fi; sleep 10; done$/);
    expect(setup[ownName + 1]).toContain('exit 1');
    expect(setup.findIndex((l) => l.includes('systemctl'))).toBeGreaterThan(ownName);
    expect(setup).toContain(`name=$(imds tags/instance/webcluster:member-name)`);
    const init = userDataFile(json, 1, '/usr/local/sbin/webcluster-mongo-rs-init');
    expect(init).toContain('  for _ in $(seq 1 180); do if getent hosts "$n" >/dev/null && ping "$n:27017"; then break; fi; sleep 10; done');
    expect(init).toContain('  getent hosts "$n" >/dev/null || { echo "member $n does not resolve" >&2; exit 1; }');
    expect(init.indexOf('getent hosts')).toBeLessThan(init.indexOf('rs.initiate('));
  });

  test('the members carry the tags the setup reads through instance metadata and the association targets, in keys instance metadata accepts', () => {
    make();
    const instances = resourcesOf(synthJson(stack), 'aws_instance');
    instances.forEach((instance, i) => {
      const tags = instance.tags as Record<string, string>;
      expect(tags).toMatchObject({
        'webcluster:replica-set': 'test-mongo',
        'webcluster:member-name': NAMES[i],
        'webcluster:data-volume': expect.stringMatching(new RegExp(`^\\$\\{aws_ebs_volume\\.Mongo_Member${i + 1}_DataVolume_[0-9A-F]+\\.id\\}$`)),
      });
      // With tags in instance metadata on, EC2 refuses other tag keys.
      for (const key of Object.keys(tags)) expect(key).toMatch(/^(?!\.{1,2}$|_index$)[A-Za-z0-9+\-=.,_:@]+$/);
    });
  });

  test('an SSM Command document (schema 2.2, one aws:runShellScript step) runs the same setup script as the user data', () => {
    const db = make();
    const { text, json } = synthTextAndJson(stack);
    expect(text).toHaveResourceWithProperties(SsmDocument, { name: 'test-mongo-member-setup', document_type: 'Command', document_format: 'JSON' });
    const [document] = resourcesOf(json, 'aws_ssm_document');
    const content = JSON.parse(String(document.content)) as { schemaVersion: string; mainSteps: { action: string }[] };
    expect(content.schemaVersion).toBe('2.2');
    expect(content.mainSteps.map((step) => step.action)).toEqual(['aws:runShellScript']);
    const commands = documentCommands(json);
    // Waits for a first boot to finish, installs the current script and runs it.
    expect(commands[0]).toBe('cloud-init status --wait >/dev/null 2>&1 || true');
    const start = commands.indexOf(`cat > ${SETUP}.new <<'WEBCLUSTER_MONGO_SETUP'`);
    const end = commands.indexOf('WEBCLUSTER_MONGO_SETUP');
    expect(start).toBeGreaterThan(0);
    expect(`${commands.slice(start + 1, end).join('\n')}\n`).toBe(userDataFile(json, 1, SETUP));
    expect(userDataFile(json, 2, SETUP)).toBe(userDataFile(json, 1, SETUP));
    expect(commands.slice(end + 1)).toEqual([`chmod 0750 ${SETUP}.new`, `mv -f ${SETUP}.new ${SETUP}`, SETUP]);
    // What the setup covers: the data volume, the key file and mongod.conf.
    const setup = commands.join('\n');
    for (const part of ['mountpoint -q /var/lib/mongo || mount /var/lib/mongo', '/etc/mongod.key', 'replSetName: rs0', 'bindIp: 127.0.0.1,$ip']) expect(setup).toContain(part);
    expect(db.setupDocument.node.id).toBe('SetupDocument');
  });

  test('an SSM association applies the document to the tagged members one at a time, stops on the first error and follows new document versions', () => {
    make();
    const { text, json } = synthTextAndJson(stack);
    expect(text).toHaveResourceWithProperties(SsmAssociation, {
      name: expect.stringMatching(/^\$\{aws_ssm_document\.Mongo_SetupDocument_[0-9A-F]+\.name\}$/),
      // A new content is a new version, made the default by the provider: the association changes and runs again.
      document_version: expect.stringMatching(/^\$\{aws_ssm_document\.Mongo_SetupDocument_[0-9A-F]+\.default_version\}$/),
      targets: [{ key: 'tag:webcluster:replica-set', values: ['test-mongo'] }],
      max_concurrency: '1',
      max_errors: '0',
    });
    const [association] = resourcesOf(json, 'aws_ssm_association');
    expect(association.depends_on).toEqual(expect.arrayContaining(['aws_instance.Mongo_Member1_24A27566', 'aws_route53_record.Mongo_Member3_Name_43D0B34E']));
  });

  test('the setup script restarts mongod only when mongod.conf or the key file changed, and then waits for PRIMARY or SECONDARY', () => {
    make();
    const setup = documentCommands(synthJson(stack));
    // Written to a temporary file first, compared and replaced only on a difference.
    const marksChange = setup.filter((l) => l.includes('changed=1'));
    expect(marksChange).toEqual([
      'if ! cmp -s "$work/key" /etc/mongod.key; then install -m 0400 -o mongod -g mongod "$work/key" /etc/mongod.key; changed=1; fi',
      'if ! cmp -s "$work/mongod.conf" /etc/mongod.conf; then install -m 0644 "$work/mongod.conf" /etc/mongod.conf; changed=1; fi',
    ]);
    expect(setup.filter((l) => l.includes('> /etc/mongod.conf') || l.includes('> /etc/mongod.key'))).toEqual([]);
    const unchanged = setup.indexOf('if [ "$changed" = 0 ]; then systemctl enable --now mongod; exit 0; fi');
    const restarts = setup.flatMap((l, i) => (l.includes('restart mongod') ? [i] : []));
    expect(unchanged).toBeGreaterThan(0);
    expect(restarts).toHaveLength(1);
    expect(restarts[0]).toBeGreaterThan(unchanged);
    expect(setup.slice(restarts[0])).toContain('  for _ in $(seq 1 120); do if healthy; then exit 0; fi; sleep 5; done');
  });

  test('the scripts are valid bash: setup, secrets, replica set init and the document command', () => {
    make();
    const json = synthJson(stack);
    for (const path of [SETUP, '/usr/local/sbin/webcluster-mongo-secrets', '/usr/local/sbin/webcluster-mongo-rs-init']) {
      expect({ path, problems: bashSyntaxProblems(userDataFile(json, 1, path)) }).toEqual({ path, problems: '' });
    }
    expect(bashSyntaxProblems(documentCommands(json).join('\n'))).toBe('');
    // The check sees what it is for.
    expect(bashSyntaxProblems("cat <<'END'\nno end\n")).not.toBe('');
  });

  test('the document has no Terraform template syntax besides references, no SSM parameter syntax and no secret', () => {
    make();
    const json = synthJson(stack);
    const content = String(resourcesOf(json, 'aws_ssm_document')[0].content);
    expect(content.match(/\$\{(?!aws_)/g) ?? []).toEqual([]);
    expect(content).not.toContain('%{');
    expect(content).not.toContain('{{');
    expect(content).not.toContain('generate ');
    expect(findSecrets(json, 'test')).toEqual([]);
  });

  test('the members role has what the document needs: SSM managed instance core and the key file secret', () => {
    make();
    const json = synthJson(stack);
    const attachments = Object.entries(json.resource.aws_iam_role_policy_attachment ?? {}).filter(([name]) => name.startsWith('Mongo_Role_'));
    expect(attachments.map(([, a]) => a.policy_arn)).toContain('arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore');
    const grants = resourcesOf(json, 'aws_iam_role_policy').map((p) => String(p.policy)).find((p) => p.includes('ReplicaSetSecrets')) ?? '';
    expect(grants).toContain('secretsmanager:GetSecretValue');
    expect(grants).toMatch(/aws_secretsmanager_secret\.Mongo_KeyFile_[0-9A-F]+\.arn/);
  });

  test('url() is a template of the member list for secret environment; grantRead reads the credentials', () => {
    // GIVEN
    const db = make();
    const admin = new AdminServer(stack, 'Admin', { network, workload: {} });
    // WHEN
    db.grantRead(admin);
    // THEN
    expect(db.url('local')).toMatch(/^mongodb:\/\/\{username\}:\{password\}@member-1\.mongodb\.test\.internal:27017,.*\/local\?replicaSet=rs0&authSource=admin$/);
    expect(db.members).toHaveLength(3);
    const policies = resourcesOf(synthJson(stack), 'aws_iam_role_policy').map((p) => String(p.policy));
    expect(policies.some((p) => p.includes('ReadMongoCredentials') && p.includes('Mongo_AppCredentials'))).toBe(true);
  });

  test('fails on an even member count', () => {
    expect(() => make({ members: 4 })).toThrow(/members: got 4; allowed: 3, 5 or 7; fix: /);
  });

  test('fails on a reserved database name', () => {
    expect(() => make({ appDatabases: ['local'] })).toThrow(/appDatabases: got \[local\]; allowed: .*; fix: /);
  });

  test('fails on a bad instance type', () => {
    expect(() => make({ instanceType: 'huge' })).toThrow(/instanceType: got 'huge' \(it is not '<family>.<size>'\); allowed: .*; fix: /);
  });

  test('fails on a data volume out of range', () => {
    expect(() => make({ dataVolumeSizeGiB: 5 })).toThrow(/dataVolumeSizeGiB: got 5; allowed: 10 to 16384; fix: /);
  });

  test('fails on a network name prefix that is no DNS label (it names the zone)', () => {
    const s = makeStack();
    expect(() => new DocumentDatabase(s, 'Mongo', { network: stubNetwork(['eu-central-1a', 'eu-central-1b', 'eu-central-1c'], 'Shop_Prod') })).toThrow(
      /network\.namePrefix: got 'Shop_Prod'; allowed: a DNS label .*mongodb\.Shop_Prod\.internal.*; fix: /,
    );
  });

  test('fails on a second replica set on the same network (Route 53 refuses a second zone of the name on the VPC)', () => {
    make();
    expect(() => new DocumentDatabase(stack, 'Other', { network })).toThrow(/network: got a second DocumentDatabase on network 'test'; allowed: one per network .*; fix: /);
  });

  test('fails on a construct id that cannot name the SSM document', () => {
    expect(() => new DocumentDatabase(stack, 'Mongo DB', { network })).toThrow(/id: got 'Mongo DB' \(SSM document name 'test-mongo db-member-setup'\); allowed: .*; fix: /);
  });

  test('warns when the network has fewer zones than a majority needs', () => {
    const s = makeStack();
    new DocumentDatabase(s, 'Mongo', { network: stubNetwork(['eu-central-1a', 'eu-central-1b']) });
    expect(JSON.stringify(Testing.synth(s))).toBeDefined();
    const warnings = s.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === '@cdktf/warn'));
    expect(warnings.map((w) => String(w.data))).toEqual([expect.stringContaining('3 members over 2 zone(s)')]);
  });
});
