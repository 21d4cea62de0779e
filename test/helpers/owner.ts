/** Tests act as the owner through a minted principal, as the owner channels do (S39). */
import type { Actor } from '../../main/core/activity.ts';
import { mintOwnerPrincipal, type OwnerChannel, type OwnerPrincipal } from '../../main/core/owner-principal.ts';

export function ownerVia(channel: OwnerChannel = 'cli'): OwnerPrincipal {
  return mintOwnerPrincipal(channel);
}

/** The actor of set-up code that stands for the owner at the CLI. */
export const TEST_ACTOR: Actor = { channel: 'cli' };
