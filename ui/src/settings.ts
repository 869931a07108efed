// What the user set once and expects the app to remember on this computer:
// their name for the library's trail. (The UI language is kept the same
// way, by App.svelte, from the first start on.)

const AUTHOR = "policywright.author";

/** The name versions and status changes are recorded under; "" until one is given. */
export function authorName(): string {
  return localStorage.getItem(AUTHOR)?.trim() ?? "";
}

export function setAuthorName(name: string): void {
  const clean = name.trim();
  if (clean) localStorage.setItem(AUTHOR, clean);
  else localStorage.removeItem(AUTHOR);
}
