// What the user set once and expects the app to remember on this computer:
// their name for the library's trail, and how new policies start. (The UI
// language is kept the same way, by App.svelte, from the first start on.)
// Paths (the library, folders) are the shell's to keep: the page never
// names a file for the app to open.

import type { Locale, NumberingScheme } from "./api";

const AUTHOR = "policywright.author";
const DOCUMENT_LANGUAGE = "policywright.documentLanguage";
const NUMBERING = "policywright.numbering";

/** The name versions and status changes are recorded under; "" until one is given. */
export function authorName(): string {
  return localStorage.getItem(AUTHOR)?.trim() ?? "";
}

export function setAuthorName(name: string): void {
  const clean = name.trim();
  if (clean) localStorage.setItem(AUTHOR, clean);
  else localStorage.removeItem(AUTHOR);
}

const locales: readonly Locale[] = ["zh-CN", "en"];
const schemes: readonly NumberingScheme[] = ["zh-chapter", "zh-outline", "decimal"];

/** The language new policies are written in; `null` for the app's own. */
export function documentLanguage(): Locale | null {
  const kept = localStorage.getItem(DOCUMENT_LANGUAGE);
  return locales.find((l) => l === kept) ?? null;
}

/** How new policies number their headings; `null` for their language's usual scheme. */
export function numbering(): NumberingScheme | null {
  const kept = localStorage.getItem(NUMBERING);
  return schemes.find((s) => s === kept) ?? null;
}

export function setDocumentDefaults(language: Locale | null, scheme: NumberingScheme | null): void {
  if (language) localStorage.setItem(DOCUMENT_LANGUAGE, language);
  else localStorage.removeItem(DOCUMENT_LANGUAGE);
  if (scheme) localStorage.setItem(NUMBERING, scheme);
  else localStorage.removeItem(NUMBERING);
}

export const numberingSchemes = schemes;
