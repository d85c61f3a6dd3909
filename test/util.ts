/**
 * Shared fixtures for construct tests.
 */
import 'cdktf/lib/testing/adapters/jest';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformOutput, Testing, TerraformStack } from 'cdktf';
import { IAwsNetwork, Network } from '../constructs/aws/network';

/** A fresh test stack with an AWS provider. */
export function makeStack(): TerraformStack {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  new AwsProvider(stack, 'aws', { region: 'eu-central-1' });
  return stack;
}

/** A three-zone network in eu-central-1. */
export function makeNetwork(stack: TerraformStack): Network {
  return new Network(stack, 'Network', { namePrefix: 'test', region: 'eu-central-1' });
}

/** Synthesizes and parses the stack's Terraform JSON. */
export function synthJson(stack: TerraformStack): SynthJson {
  return JSON.parse(Testing.synth(stack)) as SynthJson;
}

/** Synthesizes the stack once: the Terraform JSON as text (for cdktf's matchers) and parsed. */
export function synthTextAndJson(stack: TerraformStack): { text: string; json: SynthJson } {
  const text = Testing.synth(stack);
  return { text, json: JSON.parse(text) as SynthJson };
}

/** The parts of the synthesized JSON tests look at. */
export interface SynthJson {
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly locals?: Record<string, string>;
  readonly output?: Record<string, { value: unknown; description?: string; sensitive?: boolean }>;
  readonly provider?: Record<string, unknown[]>;
  readonly terraform?: Record<string, unknown>;
}

/** All resources of one type, as a list of their bodies. */
export function resourcesOf(json: SynthJson, type: string): Record<string, unknown>[] {
  return Object.values(json.resource[type] ?? {});
}

/** The value of the one Terraform local whose name starts with `prefix` (user data documents). */
export function localOf(json: SynthJson, prefix: string): string {
  const key = Object.keys(json.locals ?? {}).find((k) => k.startsWith(prefix));
  if (key === undefined) throw new Error(`no local starting with ${prefix}`);
  return (json.locals as Record<string, string>)[key];
}

/** Content of the file a cloud-config document (user data) writes to `path`. */
export function writtenFile(cloudConfig: string, path: string): string {
  const doc = JSON.parse(cloudConfig.replace(/^#cloud-config\n/, '')) as { write_files: { path: string; content: string }[] };
  const file = doc.write_files.find((f) => f.path === path);
  if (file === undefined) throw new Error(`no file ${path}`);
  return file.content;
}

/** The commands a cloud-config document (user data) runs. */
export function runCommands(cloudConfig: string): string[] {
  return (JSON.parse(cloudConfig.replace(/^#cloud-config\n/, '')) as { runcmd: string[] }).runcmd;
}

/** A network stub with the given zones (the real Network refuses fewer than two). */
export function stubNetwork(availabilityZones: string[], namePrefix = 'test'): IAwsNetwork {
  return {
    namePrefix,
    region: 'eu-central-1',
    vpcId: 'vpc-0example',
    vpcCidr: '10.0.0.0/16',
    availabilityZones,
    publicSubnetIds: availabilityZones.map((_, i) => `subnet-public${i}`),
    appSubnetIds: availabilityZones.map((_, i) => `subnet-app${i}`),
    dataSubnetIds: availabilityZones.map((_, i) => `subnet-data${i}`),
  };
}

let probes = 0;
/** What a token renders to in the synthesized JSON (through a throw-away output). */
export function resolveToken(stack: TerraformStack, value: unknown): unknown {
  return resolveTokenAndSynth(stack, value).value;
}

/** {@link resolveToken}, with the synthesis it was read from (the probe output included) to look at further. */
export function resolveTokenAndSynth(stack: TerraformStack, value: unknown): { value: unknown; text: string; json: SynthJson } {
  const out = new TerraformOutput(stack, `Probe${++probes}`, { value });
  const { text, json } = synthTextAndJson(stack);
  return { value: json.output?.[out.friendlyUniqueId].value, text, json };
}

/** The file content of a synthesized Swarm `docker_config` (its data is `${base64encode(local.<name>)}`). */
export function dockerConfigContent(json: SynthJson, config: { data: string }): string {
  const local = /^\$\{base64encode\(local\.([A-Za-z0-9_-]+)\)\}$/.exec(config.data)?.[1];
  if (local === undefined) throw new Error(`docker_config data is not a base64encode of a local: ${config.data}`);
  return (json.locals ?? {})[local];
}
