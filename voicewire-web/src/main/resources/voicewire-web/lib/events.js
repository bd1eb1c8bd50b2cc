// The events of the browser components: one factory (a CustomEvent carrying `detail`, or a plain
// Event with `detail` attached where CustomEvent is missing, as in older Node) and the base class
// every component with events extends (`on(type, fn)` hands `fn` the detail).

/** An event of `type` whose `detail` is `detail`. */
export function makeEvent(type, detail) {
  if (typeof CustomEvent === 'function') return new CustomEvent(type, { detail });
  const e = new Event(type);
  e.detail = detail;
  return e;
}

/** An EventTarget with `on(type, fn)`, which calls `fn(detail, event)`, and `_emit(type, detail)`. */
export class Emitter extends EventTarget {
  /** Adds a listener; returns a function that removes it. */
  on(type, fn) {
    const h = (e) => fn(e.detail, e);
    this.addEventListener(type, h);
    return () => this.removeEventListener(type, h);
  }

  _emit(type, detail) {
    this.dispatchEvent(makeEvent(type, detail));
  }
}
