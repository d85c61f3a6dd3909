import { EbsVolume } from '@cdktf/provider-aws/lib/ebs-volume';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { VolumeAttachment } from '@cdktf/provider-aws/lib/volume-attachment';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { Testing, TerraformStack } from 'cdktf';
import { AdminServer } from '../../../constructs/aws/admin-server';
import { SearchService, SearchServiceProps } from '../../../constructs/aws/search-service';
import { Network } from '../../../constructs/aws/network';
import { localOf, makeNetwork, makeStack, resolveToken, resolveTokenAndSynth, resourcesOf, synthJson, synthTextAndJson } from '../../util';

const PREPARE = 'bash bin/generate-solr-config.sh --destination-dir="$CONFIG_SET_DIR/conf" --solr-install-dir=/opt/solr';

describe('SearchService (AWS)', () => {
  let stack: TerraformStack;
  let network: Network;
  const make = (extra: Partial<SearchServiceProps> = {}): SearchService => new SearchService(stack, 'SearchService', { network, ...extra });

  beforeEach(() => {
    stack = makeStack();
    network = makeNetwork(stack);
  });

  test('one private instance: IMDSv2 only, encrypted root, auto-recovery, no public address', () => {
    // WHEN
    const solr = make();
    // THEN
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Instance, {
      instance_type: 'm7i.large',
      associate_public_ip_address: false,
      subnet_id: '${aws_subnet.Network_Zone1_AppSubnet_59D68897.id}',
      metadata_options: expect.objectContaining({ http_tokens: 'required', http_put_response_hop_limit: 1 }),
      root_block_device: expect.objectContaining({ encrypted: true }),
      maintenance_options: { auto_recovery: 'default' },
    });
    expect(resolveToken(stack, solr.url)).toBe('http://solr.search.test.internal:8983/solr');
  });

  test('the index lives on an encrypted data volume in the same zone, protected from destroy', () => {
    // WHEN
    make({ dataVolumeSizeGiB: 100 });
    // THEN
    const { text: synth, json } = synthTextAndJson(stack);
    expect(synth).toHaveResourceWithProperties(EbsVolume, {
      availability_zone: 'eu-central-1a',
      size: 100,
      type: 'gp3',
      encrypted: true,
      final_snapshot: true,
      lifecycle: { prevent_destroy: true },
    });
    expect(synth).toHaveResourceWithProperties(VolumeAttachment, { device_name: '/dev/sdf', stop_instance_before_detaching: true });
    const userData = localOf(json, 'SearchService_UserData');
    expect(userData).toContain('mkfs.xfs /dev/sdf');
    expect(userData).toContain('RequiresMountsFor=/var/solr');
  });

  test('cloud-init installs Java 17 and the Solr release from the Apache archive, checked, listening on all addresses', () => {
    // WHEN
    make();
    // THEN
    const userData = localOf(synthJson(stack), 'SearchService_UserData');
    expect(userData).toContain('java-17-amazon-corretto-headless');
    expect(userData).toContain('https://archive.apache.org/dist/solr/solr/9.7.0/solr-9.7.0.tgz');
    expect(userData).toContain('sha512sum -c -');
    expect(userData).toContain('Environment=SOLR_JETTY_HOST=0.0.0.0');
    expect(userData).toContain('ExecStart=/opt/solr/bin/solr start -f -p 8983');
    expect(userData).toContain('systemctl start --no-block webcluster-solr-core.service');
  });

  test('Solr 8 comes from the old Lucene path of the archive', () => {
    make({ solrVersion: '8.11.4' });
    expect(localOf(synthJson(stack), 'SearchService_UserData')).toContain('https://archive.apache.org/dist/lucene/solr/8.11.4/solr-8.11.4.tgz');
  });

  test('without a config set the core is created from _default', () => {
    // WHEN
    const solr = make({ coreName: 'products' });
    // THEN
    const json = synthJson(stack);
    const userData = localOf(json, 'SearchService_UserData');
    expect(userData).toContain('conf=/opt/solr/server/solr/configsets/_default/conf');
    expect(userData).toContain('action=CREATE&name=products&instanceDir=products');
    expect(solr.configSourceUri).toBeUndefined();
    expect(resourcesOf(json, S3Bucket.tfResourceType)).toHaveLength(0);
  });

  test('with a config set the host waits for the published source and prepares it as the solr user', () => {
    // GIVEN
    const solr = make({ configSet: { prepareCommand: PREPARE } });
    const admin = new AdminServer(stack, 'Admin', { network, workload: {} });
    // WHEN
    solr.grantConfigSourceWrite(admin);
    // THEN
    const json = synthJson(stack);
    const userData = localOf(json, 'SearchService_UserData');
    expect(userData).toContain("until aws s3 cp --only-show-errors 's3://${aws_s3_bucket.SearchService_ConfigSource_98284650.bucket}/config-source.tar.gz'");
    expect(userData).toContain(`(cd \\"$work/source\\" && ${PREPARE.replace(/"/g, '\\"')})`);
    expect(userData).toContain('User=solr');
    const uri = resolveTokenAndSynth(stack, solr.configSourceUri);
    expect(uri.value).toBe('s3://${aws_s3_bucket.SearchService_ConfigSource_98284650.bucket}/config-source.tar.gz');
    expect(uri.text).toHaveResourceWithProperties(S3Bucket, { lifecycle: { prevent_destroy: true } });
    const policies = JSON.stringify(json.resource.aws_iam_role_policy);
    expect(policies).toContain('s3:GetObject');
    expect(policies).toContain('s3:PutObject');
  });

  test('Solr is reachable only from what is granted', () => {
    // GIVEN
    const solr = make();
    const admin = new AdminServer(stack, 'Admin', { network, workload: {} });
    // WHEN
    solr.connections.allowDefaultPortFrom(admin, 'Solr from Admin');
    // THEN
    const ingress = resourcesOf(synthJson(stack), VpcSecurityGroupIngressRule.tfResourceType).filter((r) =>
      String(r.security_group_id).includes('SearchService_SecurityGroup'),
    );
    expect(ingress).toEqual([
      expect.objectContaining({ from_port: 8983, to_port: 8983, referenced_security_group_id: '${aws_security_group.Admin_SecurityGroup_B8BA831C.id}' }),
    ]);
  });

  test('allowDestroy turns prevent_destroy off', () => {
    make({ preventDestroy: false, configSet: { prepareCommand: PREPARE } });
    const synth = Testing.synth(stack);
    expect(synth).toHaveResourceWithProperties(EbsVolume, { lifecycle: { prevent_destroy: false } });
    expect(synth).not.toHaveResourceWithProperties(S3Bucket, { lifecycle: { prevent_destroy: true } });
  });

  test.each<[string, Partial<SearchServiceProps>, RegExp]>([
    ['Solr 7', { solrVersion: '7.7.3' }, /solrVersion: got '7.7.3'; allowed: a Solr 8.x or 9.x release/],
    ['a bad core name', { coreName: 'my core' }, /coreName: got 'my core'; allowed: letters, digits/],
    ['a Terraform template in the prepare command', { configSet: { prepareCommand: 'echo ${HOME}' } }, /configSet.prepareCommand: got 'echo \$\{HOME\}'; allowed: /],
    ['a bad heap', { heapSize: '2GB' }, /heapSize: got '2GB'; allowed: a size in m or g/],
    ['a zone the network lacks', { zoneIndex: 3 }, /zoneIndex: got 3; allowed: 0 to 2/],
    ['a privileged port', { port: 80 }, /port: got 80; allowed: 1024 to 65535/],
  ])('fails on %s', (_name, extra, message) => {
    expect(() => make(extra)).toThrow(message);
  });
});
