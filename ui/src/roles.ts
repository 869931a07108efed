// Identity and references without raw ids. A list item's id is made from
// its title (or name) the first time one is given, and then kept: other
// parts of the policy refer to a role by it, and a later rename must not
// break them. The user never sees or types an id; references to roles are
// picked from the policy's roles.
import { segments } from "./paths";

/** Whether an id is still the placeholder a new item gets (`new-3`). */
export function isPlaceholderId(id: unknown): boolean {
  return typeof id === "string" && /^new-\d+$/.test(id);
}

/**
 * An id made from a title: lower-case words joined by `-` for Latin
 * script, the characters themselves for Chinese (an id may be any text
 * without spaces), unique among `taken`.
 */
export function idFromTitle(title: string, taken: Iterable<string>): string {
  const base =
    title
      .normalize("NFKD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 48)
      .replace(/-+$/, "") || "item";
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Where a path refers to roles: one (`reports_to`, a stage's `owner`) or several. */
export function roleReference(path: string): "one" | "many" | null {
  if (/^duties\.roles\[\d+\]\.reports_to$/.test(path) || /^workflow\.stages\[\d+\]\.owner$/.test(path)) return "one";
  if (path === "general.scope_roles") return "many";
  if (/^career\.(levels|professional_track\.levels)\[\d+\]\.roles$/.test(path)) return "many";
  return null;
}

type Json = Record<string, unknown>;
type Edit = { path: string; value: unknown };

/** Every reference to a role in `policy`: its path, and whether it is one of a list. */
function references(policy: Json): { path: string; id: string }[] {
  const out: { path: string; id: string }[] = [];
  const obj = (v: unknown): Json => (v && typeof v === "object" ? (v as Json) : {});
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  list(obj(policy.general).scope_roles).forEach((id, i) => out.push({ path: `general.scope_roles[${i}]`, id: String(id) }));
  list(obj(policy.duties).roles).forEach((r, i) => out.push({ path: `duties.roles[${i}].reports_to`, id: String(obj(r).reports_to ?? "") }));
  list(obj(policy.workflow).stages).forEach((s, i) => out.push({ path: `workflow.stages[${i}].owner`, id: String(obj(s).owner ?? "") }));
  const career = obj(policy.career);
  for (const [prefix, levels] of [
    ["career.levels", career.levels],
    ["career.professional_track.levels", obj(career.professional_track).levels],
  ] as const) {
    list(levels).forEach((l, i) =>
      list(obj(l).roles).forEach((id, j) => out.push({ path: `${prefix}[${i}].roles[${j}]`, id: String(id) })),
    );
  }
  return out;
}

/** The edits that make every reference to role `from` refer to `to`. */
export function renameRole(policy: Json, from: string, to: string): Edit[] {
  return references(policy)
    .filter((r) => r.id === from)
    .map((r) => ({ path: r.path, value: to }));
}

/**
 * The edits that let go of role `id`, which is being removed: a single
 * reference is emptied; an entry of a list is removed (the last first, so
 * that the indices of the others still hold).
 */
export function forgetRole(policy: Json, id: string): { set: Edit[]; remove: { list: string; index: number }[] } {
  const set: Edit[] = [];
  const remove: { list: string; index: number }[] = [];
  for (const r of references(policy)) {
    if (r.id !== id) continue;
    const keys = segments(r.path);
    const last = keys.at(-1);
    if (typeof last === "number") remove.push({ list: r.path.slice(0, r.path.lastIndexOf("[")), index: last });
    else set.push({ path: r.path, value: "" });
  }
  remove.sort((a, b) => b.index - a.index);
  return { set, remove };
}
