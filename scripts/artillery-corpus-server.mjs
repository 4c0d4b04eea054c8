// A catch-all target for scripts/artillery-corpus.sh, on 127.0.0.1 only:
// every HTTP path answers 200 with a small JSON object (and a session cookie),
// WebSocket upgrades echo what they receive, and socket.io clients get every
// event echoed back on "<event>Response" and acknowledged with the same data.
// Prints the port on its first stdout line, then serves until killed.
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';
import { Server } from 'socket.io';

const body = JSON.stringify({ id: 1, ok: true, username: 'new-user', title: 'corpus', data: { createUser: { id: 1 } } });
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'set-cookie': 'session=corpus; Path=/' });
    res.end(body);
  });
});
const wss = new WebSocketServer({ noServer: true });
wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
const io = new Server(server, { cors: { origin: '*' } });
const echo = (socket) => socket.onAny((event, ...args) => {
  const ack = typeof args[args.length - 1] === 'function' ? args.pop() : null;
  socket.emit(`${event}Response`, ...args);
  if (ack !== null) ack(...args);
});
io.on('connection', echo);
io.of(/.*/).on('connection', echo);
server.on('upgrade', (req, socket, head) => {
  if (req.url?.startsWith('/socket.io/')) return; // socket.io handles its own upgrades
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
