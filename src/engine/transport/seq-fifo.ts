/**
 * A FIFO of (item, seq, extra) entries kept in parallel arrays and consumed by
 * advancing `head`, so a push allocates no entry object. `seq` is the item's
 * dispatch number when it was pushed: the engines reuse their handlers, so
 * a consumer compares it with the item's current one and skips an entry whose
 * request has ended. The consumed prefix is cut off once it is long and at
 * least half the arrays (amortized O(1) per entry).
 */

/** A consumed prefix this long (and half the arrays) is cut off. */
const COMPACT_AT = 4096;

/** See the module comment. */
export class SeqFifo<T, E> {
  items: T[] = [];
  seqs: number[] = [];
  extras: E[] = [];
  /** The first entry not consumed yet. */
  head = 0;

  push(item: T, seq: number, extra: E): void {
    this.items.push(item);
    this.seqs.push(seq);
    this.extras.push(extra);
  }

  /** Call after moving `head`: frees what was consumed when that is worth a copy. */
  trim(): void {
    const h = this.head;
    if (h === 0) return;
    if (h === this.items.length) return this.clear();
    if (h < COMPACT_AT || h * 2 < this.items.length) return;
    this.items = this.items.slice(h);
    this.seqs = this.seqs.slice(h);
    this.extras = this.extras.slice(h);
    this.head = 0;
  }

  clear(): void {
    this.items.length = 0;
    this.seqs.length = 0;
    this.extras.length = 0;
    this.head = 0;
  }
}
