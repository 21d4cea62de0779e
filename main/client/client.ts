/**
 * `latchkey/client`: the Agent Auth client, re-exported from its own package
 * (packages/client, published as `@latchkey/client`, zero dependencies). Imported by relative
 * path so the compiled latchkey package carries it under dist/packages/client.
 */
export * from '../../packages/client/src/index.ts';
