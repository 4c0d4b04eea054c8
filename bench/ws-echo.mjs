/**
 * Benchmark target for the WebSocket message case: a `ws` server that echoes
 * every text message back, nothing else (no JSON, no compression), so the
 * generator, not the target, is what the case measures. Run as a child
 * process pinned to its own core; prints "listening on ws://…".
 * Usage: ws-echo.mjs [port=0]
 */
import { WebSocketServer } from 'ws';

const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.argv[2] ?? 0), perMessageDeflate: false, skipUTF8Validation: true });
wss.on('connection', (socket) => {
  socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
});
wss.on('listening', () => {
  const { port } = wss.address();
  process.stdout.write(`listening on ws://127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => wss.close(() => process.exit(0)));
