/**
 * The member hosts of a DocumentDatabase: per member an instance, its data volume and attachment and
 * its stable name; the rollout of setup changes to live members; the daily snapshots of the data volumes.
 */
import { DlmLifecyclePolicy } from '@cdktf/provider-aws/lib/dlm-lifecycle-policy';
import { EbsVolume } from '@cdktf/provider-aws/lib/ebs-volume';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicyAttachment } from '@cdktf/provider-aws/lib/iam-role-policy-attachment';
import { Instance } from '@cdktf/provider-aws/lib/instance';
import { Route53Record } from '@cdktf/provider-aws/lib/route53-record';
import { SsmAssociation } from '@cdktf/provider-aws/lib/ssm-association';
import { SsmDocument } from '@cdktf/provider-aws/lib/ssm-document';
import { VolumeAttachment } from '@cdktf/provider-aws/lib/volume-attachment';
import { Construct } from 'constructs';
import type { ITerraformDependable } from '../../core/cdktf';
import type { IEncryptionKey } from '../encryption-key';
import type { IAwsNetwork } from '../network';
import { base64UserData, encryptedRootVolume, IMDSV2_ONLY } from './hardened-host';
import { assumeRolePolicy, fitNamePrefix, IAM_ROLE_NAME_PREFIX_MAX } from './iam';
import { DATA_DEVICE, DATA_VOLUME_TAG, MEMBER_NAME_TAG, memberCloudConfig, REPLICA_SET_TAG, ReplicaSetSpec, setupDocumentContent } from './replica-set-host';

/** What every member shares. */
export interface ReplicaSetMembersOptions {
  readonly network: IAwsNetwork;
  /** `<namePrefix>-<id>`: names, tags and the setup association's target. */
  readonly prefix: string;
  readonly spec: ReplicaSetSpec;
  readonly imageId: string;
  readonly instanceType: string;
  readonly securityGroupId: string;
  readonly instanceProfileName: string;
  readonly zoneId: string;
  readonly dataVolumeSizeGiB: number;
  readonly dataVolumeIops: number;
  readonly preventDestroy: boolean;
  /** Value of the `webcluster:snapshots` tag of every data volume. */
  readonly volumeTag: string;
  readonly encryptionKey?: IEncryptionKey;
}

/** The members' resources, in member order. */
export interface ReplicaSetMembers {
  readonly instances: Instance[];
  readonly volumes: EbsVolume[];
  readonly records: Route53Record[];
}

/**
 * Member `Member<n>` constructs in `scope`, one per name of `spec.memberNames`, over the network's
 * zones round robin; member 1 initiates the replica set. User data is the first boot only (ignored
 * later: replacing every member at once would take the set down).
 */
export function createReplicaSetMembers(scope: Construct, o: ReplicaSetMembersOptions): ReplicaSetMembers {
  const azs = o.network.availabilityZones;
  const members: ReplicaSetMembers = { instances: [], volumes: [], records: [] };
  o.spec.memberNames.forEach((memberName, i) => {
    const member = new Construct(scope, `Member${i + 1}`);
    const zone = i % azs.length;
    const volume = new EbsVolume(member, 'DataVolume', {
      availabilityZone: azs[zone],
      size: o.dataVolumeSizeGiB,
      type: 'gp3',
      iops: o.dataVolumeIops,
      throughput: 125,
      encrypted: true,
      ...(o.encryptionKey ? { kmsKeyId: o.encryptionKey.keyArn } : {}),
      finalSnapshot: true,
      tags: { Name: `${o.prefix}-${i + 1}-data`, 'webcluster:snapshots': o.volumeTag },
      lifecycle: { preventDestroy: o.preventDestroy },
    });
    const instance = new Instance(member, 'Resource', {
      ami: o.imageId,
      instanceType: o.instanceType,
      subnetId: o.network.appSubnetIds[zone],
      vpcSecurityGroupIds: [o.securityGroupId],
      iamInstanceProfile: o.instanceProfileName,
      associatePublicIpAddress: false,
      monitoring: true,
      ebsOptimized: true,
      metadataOptions: IMDSV2_ONLY,
      maintenanceOptions: { autoRecovery: 'default' },
      rootBlockDevice: encryptedRootVolume(20, o.encryptionKey),
      userDataBase64: base64UserData(member, memberCloudConfig(o.spec, i === 0)),
      userDataReplaceOnChange: false,
      tags: {
        Name: `${o.prefix}-${i + 1}`,
        Role: 'mongodb',
        ReplicaSet: o.spec.replicaSetName,
        // Read by the setup script through instance metadata, and the setup association's target.
        [REPLICA_SET_TAG]: o.prefix,
        [MEMBER_NAME_TAG]: memberName,
        [DATA_VOLUME_TAG]: volume.id,
      },
      lifecycle: { ignoreChanges: ['ami', 'user_data_base64'] },
    });
    new VolumeAttachment(member, 'DataVolumeAttachment', {
      deviceName: DATA_DEVICE,
      volumeId: volume.id,
      instanceId: instance.id,
      stopInstanceBeforeDetaching: true,
    });
    members.records.push(new Route53Record(member, 'Name', { zoneId: o.zoneId, name: memberName, type: 'A', ttl: 30, records: [instance.privateIp] }));
    members.instances.push(instance);
    members.volumes.push(volume);
  });
  return members;
}

/** The setup document and its association. */
export interface SetupRollout {
  readonly document: SsmDocument;
  readonly association: SsmAssociation;
}

/**
 * `SetupDocument` (SSM Command document named `documentName` with the member setup) and
 * `SetupAssociation` in `scope`: it targets the members by their replica set tag (`prefix`), one at a
 * time, stopping at the first failure, after `dependsOn` (the members and their names).
 */
export function createSetupRollout(
  scope: Construct,
  o: { readonly documentName: string; readonly prefix: string; readonly spec: ReplicaSetSpec; readonly dependsOn: ITerraformDependable[] },
): SetupRollout {
  const document = new SsmDocument(scope, 'SetupDocument', {
    name: o.documentName,
    documentType: 'Command',
    documentFormat: 'JSON',
    content: setupDocumentContent(o.spec, o.prefix),
  });
  const association = new SsmAssociation(scope, 'SetupAssociation', {
    name: document.name,
    associationName: o.documentName,
    // A new content is a new version that the provider makes the default: the association changes and runs again.
    documentVersion: document.defaultVersion,
    targets: [{ key: `tag:${REPLICA_SET_TAG}`, values: [o.prefix] }],
    maxConcurrency: '1',
    maxErrors: '0',
    complianceSeverity: 'HIGH',
    // After the members carry their tags and their names resolve.
    dependsOn: o.dependsOn,
  });
  return { document, association };
}

/** Daily snapshots of the volumes tagged `webcluster:snapshots = volumeTag`, kept `retentionDays` (Data Lifecycle Manager). */
export function createSnapshotPolicy(scope: Construct, prefix: string, volumeTag: string, retentionDays: number): DlmLifecyclePolicy {
  const dlmRole = new IamRole(scope, 'SnapshotRole', {
    namePrefix: fitNamePrefix(`${prefix}-dlm-`, IAM_ROLE_NAME_PREFIX_MAX),
    assumeRolePolicy: assumeRolePolicy('dlm.amazonaws.com'),
  });
  new IamRolePolicyAttachment(scope, 'SnapshotRolePolicy', {
    role: dlmRole.name,
    policyArn: 'arn:aws:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole',
  });
  return new DlmLifecyclePolicy(scope, 'Snapshots', {
    description: `Daily snapshots of the MongoDB data volumes of ${prefix}`,
    executionRoleArn: dlmRole.arn,
    state: 'ENABLED',
    policyDetails: {
      resourceTypes: ['VOLUME'],
      targetTags: { 'webcluster:snapshots': volumeTag },
      schedule: [
        {
          name: 'daily',
          createRule: { interval: 24, intervalUnit: 'HOURS', times: ['02:00'] },
          retainRule: { count: retentionDays },
          copyTags: true,
        },
      ],
    },
  });
}
