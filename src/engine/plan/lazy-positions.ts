/**
 * Positions of a plan that was read without them (yaml-fast-load.ts): the
 * file is parsed for positions at the first question, once, so a valid plan
 * never pays for a position tree. Aliases registered before then are replayed.
 *
 * The parse may throw the file's YAML errors (a PlanError), which then stand
 * for whatever was being located.
 */
import type { SourceLocation } from '../errors.ts';
import type { PathSegment, PlanPositions } from './yaml-positions.ts';

export class LazyPositions implements PlanPositions {
  readonly #parse: () => PlanPositions;
  #positions: PlanPositions | null = null;
  readonly #aliases: Array<readonly [readonly PathSegment[], readonly PathSegment[]]> = [];
  constructor(parse: () => PlanPositions) {
    this.#parse = parse;
  }

  #get(): PlanPositions {
    if (this.#positions === null) {
      const p = this.#parse();
      for (const [to, from] of this.#aliases) p.alias(to, from);
      this.#positions = p;
    }
    return this.#positions;
  }

  alias(to: readonly PathSegment[], from: readonly PathSegment[]): void {
    if (this.#positions === null) this.#aliases.push([to, from]);
    else this.#positions.alias(to, from);
  }

  has(segments: readonly PathSegment[]): boolean {
    return this.#get().has(segments);
  }

  of(segments: readonly PathSegment[]): SourceLocation | undefined {
    return this.#get().of(segments);
  }

  keyOf(segments: readonly PathSegment[]): SourceLocation | undefined {
    return this.#get().keyOf(segments);
  }

  nearest(segments: readonly PathSegment[]): SourceLocation {
    return this.#get().nearest(segments);
  }
}
