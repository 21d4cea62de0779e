/** An Out (main/cli/output.ts) that keeps exactly the bytes the CLI would write, colour off unless asked. */
import { createOut, type Out } from '../../main/cli/output.ts';

export function captureOut(colour = false): Out & { text(): string; errors(): string } {
  let out = '';
  let err = '';
  const o = createOut((t) => { out += t; }, (t) => { err += t; }, { out: colour, err: colour });
  return Object.assign(o, { text: () => out, errors: () => err });
}
