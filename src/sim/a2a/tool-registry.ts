/**
 * The tool registry upstream's tools.* methods use (the lazily built one,
 * code-execution tools included):
 * thirteen tools, in tools.list order. Ids, names, categories, tags, parameters and
 * timeouts are facts read from the real service's tools.get answers; the tool
 * descriptions are the sim's own words (golden tests compare them by type).
 * Only calculator, get_current_time and echo run in the sim (a2a/builtin-tools.ts).
 */

/** One declared parameter of a tool. */
export interface ToolParam {
  readonly name: string;
  readonly type: string;
  readonly description: string;
  readonly required: boolean;
  /** Allowed values, when upstream declares an enum. */
  readonly enum?: readonly (string | number)[];
}

/** A tool's metadata, as tools.get reports it. */
export interface ToolMeta {
  readonly tool_id: string;
  readonly name: string;
  readonly description: string;
  readonly version: string;
  readonly category: string;
  readonly capabilities: readonly string[];
  readonly tags: readonly string[];
  readonly auth_method: string;
  readonly timeout_seconds: number;
  readonly parameters: readonly ToolParam[];
}

const CALC_OPS = ['+', '-', '*', '/', '%', '**', '^'];
const TIME_FORMATS = ['iso', 'unix', 'human'];

/** Every tool upstream registers, in its registry order. */
export const UPSTREAM_TOOLS: readonly ToolMeta[] = [
  {
    tool_id: "calculator", name: "Calculator", description: "Arithmetic on two numbers",
    version: "1.0.0", category: "utility", capabilities: [],
    tags: ["math", "calculator", "arithmetic", "utility"], auth_method: "none", timeout_seconds: 5,
    parameters: [
      { name: "operation", type: "string", description: "Arithmetic operation to perform", required: true, enum: CALC_OPS },
      { name: "a", type: "number", description: "First operand", required: true },
      { name: "b", type: "number", description: "Second operand", required: true },
    ],
  },
  {
    tool_id: "get_current_time", name: "Get Current Time", description: "The current UTC time in several formats",
    version: "1.0.0", category: "utility", capabilities: [],
    tags: ["time", "datetime", "clock", "utility"], auth_method: "none", timeout_seconds: 5,
    parameters: [
      { name: "timezone", type: "string", description: "Timezone name (currently only UTC supported)", required: false },
      { name: "format", type: "string", description: "Output format", required: false, enum: TIME_FORMATS },
    ],
  },
  {
    tool_id: "echo", name: "Echo", description: "Returns its message, optionally upper-cased",
    version: "1.0.0", category: "utility", capabilities: [],
    tags: ["echo", "test", "debug", "utility"], auth_method: "none", timeout_seconds: 5,
    parameters: [
      { name: "message", type: "string", description: "Message to echo", required: true },
      { name: "uppercase", type: "boolean", description: "Convert to uppercase", required: false },
    ],
  },
  {
    tool_id: "file_operations", name: "File Operations", description: "Listed as upstream lists it; not executed by the sim",
    version: "1.0.0", category: "utility", capabilities: [],
    tags: ["file", "filesystem", "io", "utility"], auth_method: "none", timeout_seconds: 30,
    parameters: [
      { name: "operation", type: "string", description: "File operation to perform", required: true },
      { name: "path", type: "string", description: "File or directory path", required: true },
      { name: "content", type: "string", description: "File content (for write operation)", required: false },
    ],
  },
  {
    tool_id: "google_search", name: "Google Search", description: "Listed as upstream lists it; not executed by the sim",
    version: "1.0.0", category: "search", capabilities: ["web_search", "external_api"],
    tags: ["search", "google", "web"], auth_method: "api_key", timeout_seconds: 30,
    parameters: [
      { name: "query", type: "string", description: "Search query", required: true },
      { name: "num_results", type: "number", description: "Number of results to return", required: false },
    ],
  },
  {
    tool_id: "wikipedia_search", name: "Wikipedia Search", description: "Listed as upstream lists it; not executed by the sim",
    version: "1.0.0", category: "search", capabilities: ["knowledge_retrieval", "external_api"],
    tags: ["search", "wikipedia", "knowledge", "encyclopedia"], auth_method: "none", timeout_seconds: 30,
    parameters: [
      { name: "query", type: "string", description: "Wikipedia search query", required: true },
      { name: "sentences", type: "integer", description: "Number of sentences to include in article summary", required: false },
    ],
  },
  {
    tool_id: "web_scrape", name: "Web Scrape", description: "Listed as upstream lists it; not executed by the sim",
    version: "1.0.0", category: "data_processing", capabilities: ["web_scraping", "content_extraction"],
    tags: ["scraping", "web", "content", "extraction"], auth_method: "none", timeout_seconds: 60,
    parameters: [
      { name: "url", type: "string", description: "URL to scrape", required: true },
      { name: "extract_text", type: "boolean", description: "Extract plain text from HTML", required: false },
    ],
  },
  {
    tool_id: "http_request", name: "HTTP Request", description: "Listed as upstream lists it; not executed by the sim",
    version: "1.0.0", category: "api_client", capabilities: ["http_client", "rest_api", "external_api"],
    tags: ["http", "rest", "api", "web"], auth_method: "none", timeout_seconds: 305,
    parameters: [
      { name: "url", type: "string", description: "Request URL", required: true },
      { name: "method", type: "string", description: "HTTP method", required: false },
      { name: "headers", type: "object", description: "Request headers as JSON object", required: false },
      { name: "body", type: "string", description: "Request body (JSON string or raw text)", required: false },
      { name: "timeout", type: "number", description: "Request timeout in seconds", required: false },
    ],
  },
  {
    tool_id: "rest_get", name: "REST GET", description: "Listed as upstream lists it; not executed by the sim",
    version: "1.0.0", category: "api_client", capabilities: ["http_client", "rest_api", "external_api"],
    tags: ["http", "rest", "api", "get"], auth_method: "none", timeout_seconds: 35,
    parameters: [
      { name: "url", type: "string", description: "Request URL", required: true },
      { name: "headers", type: "object", description: "Request headers as JSON object", required: false },
      { name: "params", type: "object", description: "Query parameters as JSON object", required: false },
    ],
  },
  {
    tool_id: "rest_post", name: "REST POST", description: "Listed as upstream lists it; not executed by the sim",
    version: "1.0.0", category: "api_client", capabilities: ["http_client", "rest_api", "external_api"],
    tags: ["http", "rest", "api", "post"], auth_method: "none", timeout_seconds: 35,
    parameters: [
      { name: "url", type: "string", description: "Request URL", required: true },
      { name: "body", type: "string", description: "Request body as JSON string", required: true },
      { name: "headers", type: "object", description: "Request headers as JSON object", required: false },
    ],
  },
  {
    tool_id: "graphql_query", name: "GraphQL Query", description: "Listed as upstream lists it; not executed by the sim",
    version: "1.0.0", category: "api_client", capabilities: ["graphql_client", "external_api"],
    tags: ["graphql", "api", "query"], auth_method: "none", timeout_seconds: 35,
    parameters: [
      { name: "endpoint", type: "string", description: "GraphQL endpoint URL", required: true },
      { name: "query", type: "string", description: "GraphQL query string", required: true },
      { name: "variables", type: "object", description: "Query variables as JSON object", required: false },
      { name: "headers", type: "object", description: "Request headers as JSON object", required: false },
    ],
  },
  {
    tool_id: "execute_python", name: "Execute Python", description: "Listed as upstream lists it; not executed by the sim",
    version: "2.0.0", category: "code_execution", capabilities: ["code_execution", "python", "sandboxed", "docker"],
    tags: ["python", "code", "execution", "sandbox", "docker"], auth_method: "none", timeout_seconds: 320,
    parameters: [
      { name: "code", type: "string", description: "Python code to execute", required: true },
      { name: "timeout", type: "integer", description: "Execution timeout in seconds", required: false },
    ],
  },
  {
    tool_id: "evaluate_expression", name: "Evaluate Expression", description: "Listed as upstream lists it; not executed by the sim",
    version: "1.0.0", category: "code_execution", capabilities: ["expression_evaluation", "python"],
    tags: ["python", "expression", "eval", "calculator"], auth_method: "none", timeout_seconds: 5,
    parameters: [
      { name: "expression", type: "string", description: "Python expression to evaluate", required: true },
    ],
  },
];

/** The same tools by id. */
export const UPSTREAM_TOOLS_BY_ID: ReadonlyMap<string, ToolMeta> = new Map(UPSTREAM_TOOLS.map((t) => [t.tool_id, t]));
