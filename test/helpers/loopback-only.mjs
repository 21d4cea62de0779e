// Preloaded (node --import) into servers the tests start from third-party code that calls
// `listen(port)` without a host — which binds every interface. With this, a listen that
// names no host binds 127.0.0.1 only, and nothing else in that code changes.
// LOOPBACK_PORT_MAP="3000:45123" also moves a hard-coded port (the SDK's SSE example uses 3000).
import net from 'node:net';
import process from 'node:process';

const [fromPort, toPort] = (process.env.LOOPBACK_PORT_MAP ?? '').split(':').map(Number);

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first, second] = args;
  const isPort = typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first));
  if (isPort && fromPort && toPort && Number(first) === fromPort) args[0] = toPort;
  if (isPort && typeof second !== 'string') args.splice(1, 0, '127.0.0.1');
  return listen.apply(this, args);
};
