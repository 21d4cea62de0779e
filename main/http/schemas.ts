/**
 * Request parsing for the HTTP routes. The Agent Auth request schemas live in the contract
 * (main/contract/agent-auth.ts); the owner API's in owner-api/schemas.ts. Both parse with
 * the contract's `parse`, which turns failures into FastAPI-shaped 422 bodies.
 */
export { parse } from '../contract/agent-auth.ts';
