// The one event factory of the browser components: a CustomEvent carrying `detail`, or a plain
// Event with `detail` attached where CustomEvent is missing (older Node in the unit tests).

/** An event of `type` whose `detail` is `detail`. */
export function makeEvent(type, detail) {
  if (typeof CustomEvent === 'function') return new CustomEvent(type, { detail });
  const e = new Event(type);
  e.detail = detail;
  return e;
}
