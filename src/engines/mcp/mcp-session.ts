/**
 * One virtual user's MCP session: the server's `Mcp-Session-Id`, the
 * negotiated protocol version, the next request id, and the view the step's
 * checks read (as tool-rpc's: `json()` is the one JSON-RPC answer, so paths
 * start at the response object, e.g. `result.content[0].text`).
 */
import type { VirtualUser } from '../../engine/contracts.ts';
import { Verdict, type CallView } from '../../engine/checks/jsonrpc-verdict.ts';

/** See the module comment. Fields are all set here (monomorphic). */
export class McpSession implements CallView {
  /** The server's session id; null before initialize, or for a server that keeps no sessions. */
  sessionId: string | null = null;
  /** The protocol version the server answered; sent as `MCP-Protocol-Version` after initialize. */
  protocolVersion = '';
  isInitialized = false;
  /** True once initialize failed: later steps of this VU fail with `no_session` rather than retrying forever. */
  hasFailed = false;
  nextId = 1;
  /** CallView: the answer being classified. */
  message: unknown = undefined;
  headers: Record<string, string | string[] | undefined> = {};
  readonly verdict = new Verdict();

  constructor(readonly vu: VirtualUser) {}

  header(name: string): string | undefined {
    const v = this.headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(', ') : v;
  }

  text(): string {
    return this.message === undefined ? '' : JSON.stringify(this.message);
  }

  json(): unknown {
    return this.message;
  }
}
