/**
 * The owner's authority as a value (S39, making S18 structural). Approving, denying and
 * creating grants take an `OwnerPrincipal`; an API key, a request body or a plain object
 * can never stand in for one:
 *  - the class holds an ES private field, so no object literal type-checks as one;
 *  - its constructor demands a module-private token, so `new OwnerPrincipal(…)` fails at run time;
 *  - `mintOwnerPrincipal` is the only way to make one, and eslint.config.js lets only the
 *    owner channels import it: the owner-session middleware and the control-secret CLI path
 *    (main/http/owner-auth.ts), the /start decision form's session check (main/http/flow-routes.ts),
 *    and the desktop shell (main/shell/).
 * Core checks `instanceof` again at the boundary (`requireOwner`), so a cast cannot pass either.
 */
import { Forbidden } from './errors.ts';

/** The owner channels; `policy` decisions are not made by a principal (see policy.ts). */
export type OwnerChannel = 'browser' | 'cli' | 'window' | 'tray';

const MINT = Symbol('owner-principal');

export class OwnerPrincipal {
  readonly #owner = true;
  /** Where the owner acted, as the activity log and the decision record show it. */
  readonly channel: OwnerChannel;

  constructor(token: typeof MINT, channel: OwnerChannel) {
    if (token !== MINT) throw new Forbidden('Only an owner channel can act as the Latchkey owner.', 'not_owner');
    this.channel = channel;
  }

  get isOwner(): boolean {
    return this.#owner;
  }
}

/** Only the owner channels may import this (enforced by the `owner-principal` lint rule). */
export function mintOwnerPrincipal(channel: OwnerChannel): OwnerPrincipal {
  return new OwnerPrincipal(MINT, channel);
}

/** The run-time half of the check: whatever reaches core's decision functions must be a minted principal. */
export function requireOwner(principal: unknown): OwnerPrincipal {
  if (!(principal instanceof OwnerPrincipal) || !principal.isOwner) throw new Forbidden('Only the Latchkey owner can decide requests.', 'not_owner');
  return principal;
}
