/**
 * Page-sized buffers lent out and taken back once their page is stored, so a run allocates them
 * once, as many as pages are in flight, instead of twice a page. A fresh buffer a page outlives
 * the young generation while its upload runs; V8 frees it only at a full collection, which the
 * small heap of an ingest rarely needs, so dead pages piled up outside the heap.
 */
export class PageBuffers {
  readonly #free: ArrayBuffer[] = [];
  /** The buffers lent and not yet given back: only these are taken back, and only once. */
  readonly #lent = new Set<ArrayBuffer>();

  /** `size` bytes, not zeroed: a view of a free buffer large enough, else of a new one. */
  take(size: number): Buffer {
    const index = this.#free.findIndex((buffer) => buffer.byteLength >= size);
    const buffer =
      index >= 0 ? this.#free.splice(index, 1)[0]! : new ArrayBuffer(Math.ceil(Math.max(size, 1) / SLAB) * SLAB);
    this.#lent.add(buffer);
    return Buffer.from(buffer, 0, size);
  }

  /** Takes back a view `take` lent; anything else is left to the garbage collector. */
  give(view: Uint8Array): void {
    const buffer = view.buffer as ArrayBuffer;
    if (!this.#lent.delete(buffer)) return;
    this.#free.push(buffer);
  }
}

/** Sizes are rounded up to this, so a buffer fits the slightly larger pages that follow. */
const SLAB = 64 * 1024;
