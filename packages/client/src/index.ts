/** `@latchkey/client`: the Agent Auth client for Latchkey (and any Agent Auth server). */
export { Client, DEFAULT_API_URL } from './client.ts';
export type {
  AuthResult, AuthenticateParams, ClientOptions, CreateOAuthProviderParams, DiscoverMcpProviderParams, FetchLike, OAuthProvider,
  UpdateOAuthProviderParams, WaitResult, AuthMetadata, TokenSummary, UpdateTokenParams, AgentConnection, UpsertAgentTokenParams,
} from './client.ts';
export { AgentAuthError, LatchkeyUnreachableError, type UnreachableReason } from './errors.ts';
export type { Camel, CamelKey } from './case.ts';
export type * as Wire from './wire.ts';
