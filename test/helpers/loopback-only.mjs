// Preloaded (node --import) into servers the tests start from third-party code that calls
// `listen(port)` without a host — which binds every interface. With this, a listen that
// names no host binds 127.0.0.1 only, and nothing else in that code changes.
import net from 'node:net';

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  const [first, second] = args;
  const isPort = typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first));
  if (isPort && typeof second !== 'string') args.splice(1, 0, '127.0.0.1');
  return listen.apply(this, args);
};
