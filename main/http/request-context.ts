/**
 * What guards learn about a request, stored in `res.locals` under typed accessors so
 * handlers never read loosely typed context.
 */
import type { Response } from 'express';
import { LatchkeyError } from '../core/errors.ts';
import type { ApiKey } from '../core/model.ts';
import type { OwnerPrincipal } from '../core/owner-principal.ts';
import type { OwnerSession } from '../core/owner-sessions.ts';

/** How the owner proved themselves, and the principal (S39) that lets routes act for them. */
export type OwnerAuth = ({ via: 'session'; session: OwnerSession } | { via: 'control' }) & { principal: OwnerPrincipal };

export function setApiKey(res: Response, key: ApiKey): void {
  res.locals.apiKey = key;
}

export function apiKey(res: Response): ApiKey {
  const key = res.locals.apiKey as ApiKey | undefined;
  if (!key) throw new LatchkeyError('internal', 500, 'API key guard did not run', { expose: false });
  return key;
}

export function setOwner(res: Response, owner: OwnerAuth): void {
  res.locals.owner = owner;
}

export function owner(res: Response): OwnerAuth {
  const o = res.locals.owner as OwnerAuth | undefined;
  if (!o) throw new LatchkeyError('internal', 500, 'owner guard did not run', { expose: false });
  return o;
}

/** The owner principal of this request; only routes behind requireOwner have one. */
export function ownerPrincipal(res: Response): OwnerPrincipal {
  return owner(res).principal;
}
