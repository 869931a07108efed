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
