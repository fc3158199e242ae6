/**
 * A first-in, first-out list with O(1) push and shift (an array with a moving head, compacted as it goes), so
 * that taking a batch off the front of a long queue costs the batch, not the queue.
 */
export class Fifo<T> {
  #items: T[];
  #head = 0;

  /** A list of `items` (taken as they are, not copied). */
  constructor(items: T[] = []) {
    this.#items = items;
  }

  get length(): number {
    return this.#items.length - this.#head;
  }

  /** The first item, without taking it. */
  peek(): T | undefined {
    return this.#items[this.#head];
  }

  push(item: T): void {
    this.#items.push(item);
  }

  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined as T; // let it go
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Keeps only the items `keep` accepts, in order (a rare operation: O(n)). */
  retain(keep: (item: T) => boolean): void {
    this.#items = this.#items.slice(this.#head).filter(keep);
    this.#head = 0;
  }

  toArray(): T[] {
    return this.#items.slice(this.#head);
  }
}
