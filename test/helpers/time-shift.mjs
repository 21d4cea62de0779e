// Preload for a child process in tests: each SIGUSR2 moves this process's clock (Date.now)
// two hours ahead, so a server's tokens expire for real without waiting (mcp-sdk-server.ts).
import process from 'node:process';

const realNow = Date.now;
let offset = 0;
process.on('SIGUSR2', () => { offset += 2 * 3600_000; });
Date.now = () => realNow() + offset;
