/**
 * What every alias of a parsed YAML document points at, found in one pass.
 * yaml's own `Alias.resolve(doc)` walks the whole document on each call, so
 * resolving each alias of a plan that reuses steps by alias (configs/http-load.yml
 * has 60) was quadratic: about a fifth of `agentload validate`'s start-up.
 */
import { isAlias, visit, type Alias, type Document, type Node } from 'yaml';

/**
 * Each alias → the node it names: the last node with that anchor before the
 * alias in document order (yaml's rule, same walk), undefined when none is.
 * The document must not change afterwards; callers build it once per parse.
 */
export function aliasTargets(doc: Document): Map<Alias, Node | undefined> {
  const lastByAnchor = new Map<string, Node>();
  const out = new Map<Alias, Node | undefined>();
  visit(doc, {
    Node: (_key, node) => {
      if (isAlias(node)) out.set(node, lastByAnchor.get(node.source));
      else if (node.anchor) lastByAnchor.set(node.anchor, node);
    },
  });
  return out;
}
