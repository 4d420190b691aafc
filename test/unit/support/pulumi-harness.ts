import * as pulumi from '@pulumi/pulumi';
import { matchRealRuntimeSettings } from '../../support/real-runtime-settings';

/** One `RegisterResource` call as the SDK sent it to the (mock) engine, options included. */
export interface Registration {
  type: string;
  name: string;
  urn: string;
  parent: string;
  custom: boolean;
  protect: boolean;
  retainOnDelete: boolean;
  /** URNs this resource was registered as depending on (`dependsOn` plus those implied by inputs). */
  dependencies: string[];
  /** The resource's aliases as sent: alias URNs, and alias specs as JSON (which of the two depends on the engine). */
  aliases: string[];
  inputs: Record<string, unknown>;
}

export const ACCOUNT_ID = '0123456789abcdef0123456789abcdef';
export const TOKEN = 'unit-test-token-00000000000000000000000000000';
export const MOTION_EXTRACTOR_TOKEN_KEY = 'create-something:motionExtractorToken';
export const MOTION_EXTRACTOR_TOKEN = 'unit-test-motion-extractor-token-000000000000';
/** The secrets the sites declare (`secrets.required`), by config key (infra/bindings/secrets.ts). */
export const SITE_SECRETS: Readonly<Record<string, string>> = {
  'create-something:visitorKey': 'unit-test-visitor-key-0000000000000000000',
  'create-something:unsubscribeSecret': 'unit-test-unsubscribe-secret-00000000000',
};

/** Outputs a mock provider gives back, shaped like Cloudflare's so components can compute from them. */
function mockState(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
  switch (type) {
    case 'cloudflare:index/d1Database:D1Database':
      return { ...inputs, uuid: `uuid-${inputs.name}` };
    case 'cloudflare:index/workersKvNamespace:WorkersKvNamespace':
      return { ...inputs };
    case 'cloudflare:index/pagesProject:PagesProject':
      return { ...inputs, subdomain: `${inputs.name}.pages.dev`, createdOn: `created-${inputs.name}` };
    case 'cloudflare:index/queue:Queue':
      return { ...inputs, queueId: `queue-id-${inputs.queueName}` };
    case 'command:local:Command':
      return { ...inputs, stdout: JSON.stringify({ outputHash: `output-of-${name}`, reused: false }) };
    case 'createsomething:pages:Deployment':
      return {
        ...inputs,
        deploymentId: `dep-${name}`,
        url: `https://dep-${name}.example.pages.dev`,
        alias: '',
        servedDeploymentId: `dep-${name}`,
        drift: '',
      };
    case 'createsomething:d1:Migrations':
      return { ...inputs, applied: [], appliedLastRun: [], bookmark: `bookmark-${name}` };
    default:
      return { ...inputs };
  }
}

/**
 * Registers Pulumi mocks for `stack` and records every registration with the options the SDK really sent
 * (protect, retainOnDelete, dependencies), which `pulumi.runtime.Mocks` alone does not show.
 */
export async function installMocks(stack: string, config: Record<string, string>): Promise<Registration[]> {
  const registrations: Registration[] = [];
  pulumi.runtime.setAllConfig(
    config,
    // What `pulumi config set --secret` would have marked: the API token and the sites' and Workers' secrets.
    Object.keys(config).filter((k) => k.endsWith('Token') || k in SITE_SECRETS),
  );
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const idByType: Record<string, string> = {
          'cloudflare:index/workersKvNamespace:WorkersKvNamespace': `kv-${args.inputs.title}`,
        };
        return { id: idByType[args.type] ?? `${args.name}-id`, state: mockState(args.type, args.name, args.inputs) };
      },
      call: (args) => args.inputs,
    },
    'create-something',
    stack,
    false,
  );
  matchRealRuntimeSettings();
  // biome-ignore lint/suspicious/noExplicitAny: the mock monitor's request objects are untyped protobuf messages.
  const monitor = pulumi.runtime.getMonitor() as any;
  const register = monitor.registerResource.bind(monitor);
  // biome-ignore lint/suspicious/noExplicitAny: see above.
  monitor.registerResource = (req: any, callback: (err: unknown, res: any) => void) => {
    register(req, (err: unknown, res: { getUrn(): string } | undefined) => {
      if (!err && res) {
        registrations.push({
          type: req.getType(),
          name: req.getName(),
          urn: res.getUrn(),
          parent: req.getParent(),
          custom: req.getCustom(),
          protect: req.getProtect(),
          retainOnDelete: req.getRetainondelete(),
          dependencies: req.getDependenciesList(),
          aliases: [
            ...(req.getAliasurnsList?.() ?? []),
            // biome-ignore lint/suspicious/noExplicitAny: see above.
            ...(req.getAliasesList?.() ?? []).map((a: any) => JSON.stringify(a.toObject())),
          ],
          inputs: req.getObject()?.toJavaScript() ?? {},
        });
      }
      callback(err, res);
    });
  };
  return registrations;
}

/** Resolves an Output's value in tests (mocks resolve everything, including values unknown during a real preview). */
export function outputValue<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

export function localConfig(): Record<string, string> {
  return {
    'create-something:accountId': ACCOUNT_ID,
    'cloudflare:apiToken': TOKEN,
    'cloudflare:baseUrl': 'http://127.0.0.1:8787/client/v4',
    [MOTION_EXTRACTOR_TOKEN_KEY]: MOTION_EXTRACTOR_TOKEN,
    ...SITE_SECRETS,
  };
}

/** A protected stack's config: no token (refused there), so the program reads CLOUDFLARE_API_TOKEN. */
export function protectedCloudConfig(): Record<string, string> {
  const { 'cloudflare:apiToken': _refused, ...rest } = cloudConfig();
  return rest;
}

export function cloudConfig(): Record<string, string> {
  return {
    'create-something:accountId': ACCOUNT_ID,
    'cloudflare:apiToken': TOKEN,
    [MOTION_EXTRACTOR_TOKEN_KEY]: MOTION_EXTRACTOR_TOKEN,
    ...SITE_SECRETS,
  };
}
