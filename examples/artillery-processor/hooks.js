// Artillery processor functions (ESM here; CommonJS `module.exports = { … }` works the same).
// Callback style: (…, next); async style: an async function that gets no next.

export function newRequestId(context, events, next) {
  context.vars.requestId = `${context.vars.vu}-${context.funcs.$randomString(6)}`;
  next();
}

export async function sign(req, context) {
  // Runs before every request of the scenario; what it sets is sent.
  req.headers['x-request-id'] = context.vars.requestId;
  req.headers['x-health-at-start'] = String(context.vars.healthAtStart);
}

export function countAnswer(req, res, context, events, next) {
  const answer = JSON.parse(res.body);
  events.emit('counter', answer.error === undefined ? 'rpc.answers' : 'rpc.errors', 1);
  events.emit('histogram', 'rpc.answer_bytes', res.body.length);
  next();
}
