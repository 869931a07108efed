// JSON paths as the core's validation writes them: `a.b[2].c`.
import type { Diagnostic } from "./bindings/Diagnostic";

export function child(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  return path ? `${path}.${key}` : key;
}

/** Diagnostics about exactly this value. */
export function at(diagnostics: Diagnostic[], path: string): Diagnostic[] {
  return diagnostics.filter((d) => d.path === path);
}

/** Diagnostics about this value or anything inside it. */
export function within(diagnostics: Diagnostic[], path: string): Diagnostic[] {
  return diagnostics.filter((d) => d.path === path || d.path.startsWith(path + ".") || d.path.startsWith(path + "["));
}

/** The chapter a path belongs to: its first key. */
export function section(path: string): string {
  return path.split(/[.[]/, 1)[0] ?? "";
}

/** The keys and indices of a path: `a.b[2].c` → `["a", "b", 2, "c"]`. */
export function segments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    out.push(match[2] !== undefined ? Number(match[2]) : match[1]);
  }
  return out;
}

/** The shortest path of the first `n` segments of `path`. */
export function prefix(path: string, n: number): string {
  return segments(path)
    .slice(0, n)
    .reduce<string>((p, s) => child(p, s), "");
}

/** What a list item is called: its title, name, grade, text or version. */
export function itemName(item: unknown): string | undefined {
  if (!item || typeof item !== "object") return undefined;
  const o = item as Record<string, unknown>;
  const own = ["title", "name", "grade", "text", "version"].map((k) => o[k]).find((v) => typeof v === "string" && v.trim());
  return own as string | undefined;
}

/**
 * Where a path points, in words: `discipline.groups[0].rules` →
 * "Work rules › Rule group “Attendance” › Rules". A list item is named by its
 * title or name in `value`, or else by its number.
 */
export function describe(
  path: string,
  value: unknown,
  names: { section: (key: string) => string; field: (key: string) => string },
): string {
  const parts: string[] = [];
  let here: unknown = value;
  let listName = "";
  for (const [i, s] of segments(path).entries()) {
    here = here && typeof here === "object" ? (here as Record<string | number, unknown>)[s] : undefined;
    if (typeof s === "number") {
      const own = itemName(here);
      const shown = own !== undefined ? `“${own.length > 24 ? own.slice(0, 23) + "…" : own}”` : String(s + 1);
      parts[parts.length - 1] = `${listName} ${shown}`;
    } else {
      listName = i === 0 ? names.section(s) : names.field(s);
      parts.push(listName);
    }
  }
  return parts.join(" › ");
}

/** The value at `path` in `root`, or undefined. */
export function valueAt(root: unknown, path: string): unknown {
  let here = root;
  for (const k of segments(path)) {
    if (!here || typeof here !== "object") return undefined;
    here = (here as Record<string | number, unknown>)[k];
  }
  return here;
}
