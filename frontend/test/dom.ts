// A DOM for the unit tests (linkedom), installed as globals before the card is imported.
import { parseHTML } from "linkedom";

const dom = parseHTML("<!doctype html><html><head></head><body></body></html>");
const g = globalThis as Record<string, unknown>;
for (const name of [
  "window",
  "document",
  "customElements",
  "HTMLElement",
  "Event",
  "CustomEvent",
  "KeyboardEvent",
  "Node",
]) {
  const value = (dom as unknown as Record<string, unknown>)[name];
  if (value !== undefined) g[name] = value;
}
if (g.KeyboardEvent === undefined) {
  g.KeyboardEvent = class extends (dom.Event as typeof Event) {
    key: string;
    constructor(type: string, init: KeyboardEventInit = {}) {
      super(type, init);
      this.key = init.key ?? "";
    }
  };
}

/** Elements that got focus, most recent last (linkedom has no activeElement). */
export const focused: Element[] = [];
(dom.HTMLElement as typeof HTMLElement).prototype.focus = function focus(this: Element) {
  focused.push(this);
};

export const { document: doc } = dom;
