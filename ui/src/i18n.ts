// Every word the app shows comes from the core's message catalogue
// (crates/i18n/catalogue/*.json), the same files the CLI, the documents and
// the change summaries speak from. The UI keeps no list of its own: a key
// that is not in the catalogue does not type-check.
import en from "../../crates/i18n/catalogue/en.json";
import zh from "../../crates/i18n/catalogue/zh-CN.json";
import type { Locale } from "./bindings/Locale";

export type UiLang = Locale;

type Plural = { one: string; other: string };
type Keys<T, P extends string = ""> = {
  [K in keyof T & string]: T[K] extends string
    ? `${P}${K}`
    : T[K] extends Plural
      ? `${P}${K}`
      : Keys<T[K], `${P}${K}.`>;
}[keyof T & string];

/** The key of a message, e.g. `ui.save` or `fields.title`. */
export type MessageKey = Keys<typeof en>;

const catalogues: Record<UiLang, unknown> = { en, "zh-CN": zh };

function entry(lang: UiLang, key: string): string | Plural | undefined {
  let node: unknown = catalogues[lang];
  for (const part of key.split(".")) {
    if (!node || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  if (typeof node === "string") return node;
  if (node && typeof node === "object" && "other" in node) return node as Plural;
  return undefined;
}

/** `{name}` takes the argument; `{name:lower}` lowercases its first letter; `{{`/`}}` are braces. */
function fill(pattern: string, args: Record<string, string | number>): string {
  return pattern.replace(/\{\{|\}\}|\{([a-z_]+)(:lower)?\}/g, (whole, name?: string, lower?: string) => {
    if (whole === "{{") return "{";
    if (whole === "}}") return "}";
    const value = name !== undefined && name in args ? String(args[name]) : whole;
    return lower && value !== whole ? value.charAt(0).toLowerCase() + value.slice(1) : value;
  });
}

/** A message in `lang`; a plural message picks `one` when `count` is 1. */
export function t(lang: UiLang, key: MessageKey, args: Record<string, string | number> = {}): string {
  return lookup(lang, key, args) ?? key;
}

/** A message whose key is made at run time (`fields.${name}`); `undefined` when there is none. */
export function lookup(lang: UiLang, key: string, args: Record<string, string | number> = {}): string | undefined {
  const found = entry(lang, key);
  if (found === undefined) return undefined;
  const pattern = typeof found === "string" ? found : args.count === 1 ? found.one : found.other;
  return fill(pattern, args);
}

/** A field's label, as the catalogue names it. */
export function label(key: string, lang: UiLang): string {
  return lookup(lang, `fields.${key}`) ?? lookup(lang, `sections.${key}`) ?? key;
}

/** A chapter's name: the same in the app, the document and the change summary. */
export function sectionName(key: string, lang: UiLang): string {
  return lookup(lang, `sections.${key}`) ?? key;
}

/** A fixed choice in words: a language, a numbering scheme, a sanction, a status. */
export function choice(value: string, lang: UiLang): string {
  const groups = (catalogues[lang] as { choices: Record<string, Record<string, string>> }).choices;
  for (const group of Object.values(groups)) {
    if (value in group) return group[value];
  }
  return value;
}

/** The chapters of a policy, in the order of the document. */
export const sections = [
  "document",
  "general",
  "duties",
  "workflow",
  "discipline",
  "appraisal",
  "training",
  "career",
  "supplementary",
] as const;

/**
 * A stored time (`2026-12-02T16:24:31Z`) as a reader of `lang` writes a
 * date (`Dec 2, 2026`, `2026年12月2日`), and in full for a tooltip. A text
 * that is not a time is given back as it is.
 */
export function when(stamp: string, lang: UiLang): { date: string; full: string } {
  const at = new Date(stamp);
  if (Number.isNaN(at.getTime())) return { date: stamp, full: stamp };
  const date = new Intl.DateTimeFormat(lang, { year: "numeric", month: "short", day: "numeric" }).format(at);
  const full = new Intl.DateTimeFormat(lang, { dateStyle: "long", timeStyle: "short" }).format(at);
  return { date, full };
}

/**
 * A calendar day (`2027-01-01`) as a reader of `lang` writes it. The day is
 * the same everywhere: it is not a moment, so no time zone moves it.
 */
export function day(date: string, lang: UiLang): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return date;
  const at = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(at.getTime())) return date;
  return new Intl.DateTimeFormat(lang, { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" }).format(at);
}
