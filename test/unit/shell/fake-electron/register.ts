/**
 * `node --import ./register.ts main/shell/main.ts`: resolves 'electron' to the recording
 * fake next to this file, so the real entry (main.ts) runs under plain Node.
 */
import { registerHooks } from 'node:module';

const fake = new URL('./electron.ts', import.meta.url).href;
registerHooks({
  resolve: (specifier, context, next) => (specifier === 'electron' ? { url: fake, shortCircuit: true } : next(specifier, context)),
});
