/**
 * Entry point of the `latchkey` command. It turns on Node's compile cache before anything
 * else loads — start-up time is mostly module compilation — then runs the command.
 */
import module from 'node:module';

module.enableCompileCache?.();
const { run } = await import('./run.ts');
// `latchkey … | head` closes the pipe early: that is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => { if (err.code === 'EPIPE') process.exit(0); });
process.exitCode = await run(process.argv.slice(2));
