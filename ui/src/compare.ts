// Finding a change of the summary in a rendered view of the comparison.
//
// The summary comes from the policies' structure (a role's duty, a weight)
// and the views from their rendering, so a change is found the way a reader
// would look for it: in its chapter, under its heading, the paragraph that
// reads as its new (or old) text; failing that, the first marked text
// there; failing that, the heading itself.
import type { ChangeView } from "./bindings/ChangeView";

/** Which rendering a view is: the merged one, or one version alone. */
export type Side = "inline" | "old" | "new";

const BLOCKS = "p, li, td, th, h1, h2, h3, h4, h5, h6, dt, dd, blockquote";
const HEADINGS = "h1, h2, h3, h4, h5, h6";

const squash = (text: string) => text.replace(/\s+/g, " ").trim();

/**
 * A policy's text as it reads once rendered: its Markdown emphasis, code
 * marks and link targets are not in the view's text, so they are not
 * looked for (applied to both sides, a literal `*` or `_` never decides).
 */
const plain = (text: string) => squash(text.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/[*_`~]/g, ""));

/** A block's text as one side reads it: the merged view without the other side's marks. */
function textOf(block: Element, side: Side, wanted: "before" | "after"): string {
  if (side !== "inline") return plain(block.textContent ?? "");
  const copy = block.cloneNode(true) as Element;
  for (const other of copy.querySelectorAll(wanted === "after" ? "del" : "ins")) other.remove();
  return plain(copy.textContent ?? "");
}

/** The level of a heading element (2 for `h2`), or 7 for any other element. */
const level = (e: Element) => (/^H[1-6]$/.test(e.tagName) ? Number(e.tagName[1]) : 7);

/** The blocks from `start` (excluded) up to the next heading of its level or above. */
function under(blocks: Element[], start: Element): Element[] {
  const from = blocks.indexOf(start);
  const out: Element[] = [];
  for (const b of blocks.slice(from + 1)) {
    if (level(b) <= level(start)) break;
    out.push(b);
  }
  return out;
}

/** Where `change` is in `view`, or `null` when the view has nothing of it. */
export function locate(view: Element, change: Pick<ChangeView, "kind" | "place" | "before" | "after">, side: Side): HTMLElement | null {
  const blocks = [...view.querySelectorAll(BLOCKS)];
  // Narrow by the place, chapter first, as far as headings name it.
  let scope = blocks;
  let anchor: Element | null = null;
  for (const name of change.place) {
    const wanted = squash(name);
    if (!wanted) continue;
    const heading = scope.find((b) => b.matches(HEADINGS) && squash(b.textContent ?? "").includes(wanted));
    if (!heading) break;
    anchor = heading;
    scope = under(blocks, heading);
  }
  const wanted: "before" | "after" = side === "old" || (change.kind === "removed" && side === "inline") ? "before" : "after";
  // Its own words on this side; else, for a reworded text, how the other
  // side's begins, which a rewording seldom changes.
  const own = plain((wanted === "after" ? change.after : change.before) ?? "").slice(0, 80);
  const other = plain((wanted === "after" ? change.before : change.after) ?? "").slice(0, 24);
  // Outside any chapter of its place, only words long enough to mean something.
  const shortest = anchor ? 1 : 8;
  for (const text of [own, change.kind === "changed" ? other : ""]) {
    if (text.length < shortest) continue;
    const found = scope.filter((b) => textOf(b, side, wanted).includes(text));
    // The innermost: a list item's paragraph rather than the list item.
    const inner = found.find((b) => !found.some((o) => o !== b && b.contains(o)));
    if (inner) return inner as HTMLElement;
  }
  const marks = side === "old" ? "del" : side === "new" ? "ins" : "ins, del";
  if (!anchor) return null;
  const marked = scope.find((b) => b.querySelector(marks) !== null && ![...b.querySelectorAll(BLOCKS)].some((c) => c.querySelector(marks)));
  return (marked ?? anchor) as HTMLElement;
}

/** Scrolls `scroller` so that `target` is near its top, and marks it for a moment. */
export function bringIntoView(scroller: HTMLElement, target: HTMLElement) {
  const top = target.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
  scroller.scrollTop += top - 16;
  target.classList.remove("located");
  // Restarted each time, so a second click flashes again.
  void target.offsetWidth;
  target.classList.add("located");
  setTimeout(() => target.classList.remove("located"), 1600);
}
