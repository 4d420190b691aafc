import type * as provider from '@pulumi/pulumi/provider';
import { d1MigrationsProvider } from './d1-migrations';
import type { ResourceHandler } from './handler';
import { PROVIDER_VERSION, TYPES } from './identity';
import { pagesBindingsProvider } from './pages-bindings';
import { pagesDeploymentProvider } from './pages-deployment';
import { schema } from './schema';
import { typeOfUrn, withoutSecretMarkers, withSecretsOf } from './wire';

// biome-ignore lint/suspicious/noExplicitAny: each handler has its own input and output types
type AnyHandler = ResourceHandler<any, any>;

/** Which handler serves each type token. */
export const HANDLERS: Record<string, AnyHandler> = {
  [TYPES.d1Migrations]: d1MigrationsProvider,
  [TYPES.pagesBindings]: pagesBindingsProvider,
  [TYPES.pagesDeployment]: pagesDeploymentProvider,
};

function handlerFor(urn: string): AnyHandler {
  const type = typeOfUrn(urn);
  const handler = HANDLERS[type];
  if (!handler)
    throw new Error(`the createsomething provider serves ${Object.keys(HANDLERS).join(', ')}, not ${type} (${urn})`);
  return handler;
}

const plain = <T>(value: T): T => withoutSecretMarkers(value) as T;

/**
 * The plugin, as `@pulumi/pulumi/provider`'s `main` serves it over gRPC to the engine: a dispatch by type token to the
 * handlers, with secret markers taken off what the engine sends and put back on what goes back (checked inputs,
 * outputs, refreshed state), so a secret input is never kept in plain text.
 */
export const createSomethingProvider: provider.Provider = {
  version: PROVIDER_VERSION,
  schema: JSON.stringify(schema),

  async check(urn, olds, news) {
    const handler = handlerFor(urn);
    const inputs = plain(news);
    if (!handler.check) return { inputs: withSecretsOf(news, inputs), failures: [] };
    const checked = await handler.check(plain(olds), inputs);
    return { ...checked, inputs: withSecretsOf(news, checked.inputs) };
  },

  async diff(id, urn, olds, news) {
    return handlerFor(urn).diff(id, plain(olds), plain(news));
  },

  async create(urn, inputs) {
    const created = await handlerFor(urn).create(plain(inputs));
    return { ...created, outs: withSecretsOf(inputs, created.outs) };
  },

  async update(id, urn, olds, news) {
    const updated = await handlerFor(urn).update(id, plain(olds), plain(news));
    return { ...updated, outs: withSecretsOf(news, updated.outs ?? {}) };
  },

  async read(id, urn, props) {
    const read = await handlerFor(urn).read(id, plain(props));
    return { ...read, props: withSecretsOf(props, read.props ?? {}) };
  },

  async delete(id, urn, props) {
    await handlerFor(urn).delete(id, plain(props));
  },
};
