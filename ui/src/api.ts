// Typed calls into the Rust shell. Every type here is generated from the
// core by ts-rs (src/bindings/); none is written by hand.
import { invoke } from "@tauri-apps/api/core";
import type { CoreError } from "./bindings/CoreError";
import type { Format } from "./bindings/Format";
import type { Locale } from "./bindings/Locale";
import type { Policy } from "./bindings/Policy";
import type { PresetInfo } from "./bindings/PresetInfo";
import type { Report } from "./bindings/Report";
import type { Bump } from "./bindings/Bump";
import type { PolicySummary } from "./bindings/PolicySummary";
import type { Saved } from "./bindings/Saved";
import type { VersionInfo } from "./bindings/VersionInfo";
import type { Autosaved } from "./bindings/Autosaved";
import type { Recovered } from "./bindings/Recovered";
import type { Role } from "./bindings/Role";
import type { Status } from "./bindings/Status";
import type { Due } from "./bindings/Due";
import type { StatusStep } from "./bindings/StatusStep";
import type { NumberingScheme } from "./bindings/NumberingScheme";
import type { ShellSettings } from "./bindings/ShellSettings";
import type { ComparisonView } from "./bindings/ComparisonView";
import type { HandbookDefinition } from "./bindings/HandbookDefinition";
import type { HandbookEntry } from "./bindings/HandbookEntry";
import type { HandbookPart } from "./bindings/HandbookPart";
import type { HandbookPlan } from "./bindings/HandbookPlan";
import type { OpenHandbook } from "./bindings/OpenHandbook";
import type { VersionPick } from "./bindings/VersionPick";
import type { Server } from "./bindings/Server";
import type { Connected } from "./bindings/Connected";
import type { DraftStamp } from "./bindings/DraftStamp";
import type { EditorDraft } from "./bindings/EditorDraft";

export type {
  Autosaved,
  DraftStamp,
  Bump,
  Due,
  ComparisonView,
  CoreError,
  Format,
  HandbookDefinition,
  HandbookEntry,
  HandbookPart,
  HandbookPlan,
  Locale,
  NumberingScheme,
  OpenHandbook,
  Policy,
  PolicySummary,
  PresetInfo,
  Recovered,
  Report,
  Role,
  Saved,
  ShellSettings,
  Status,
  StatusStep,
  VersionInfo,
  VersionPick,
};

export const api = {
  setLanguage: (lang: Locale) => invoke<void>("set_language", { lang }),
  setUnsaved: (unsaved: boolean) => invoke<void>("set_unsaved", { unsaved }),
  listPresets: () => invoke<PresetInfo[]>("list_presets"),
  /** The built-in role library in one language. */
  listRoles: (locale: Locale) => invoke<Role[]>("list_roles", { locale }),
  /** `numbering`: as Settings say, or `null` for the language's usual one. */
  newPolicy: (preset: string, locale: Locale, numbering: NumberingScheme | null = null) =>
    invoke<Policy>("new_policy", { preset, locale, numbering }),
  /** The saved handbooks, with what changed in each since its last export. */
  handbookList: () => invoke<HandbookEntry[]>("handbook_list"),
  handbookNew: (locale: Locale) => invoke<HandbookDefinition>("handbook_new", { locale }),
  handbookOpen: (id: number) => invoke<OpenHandbook>("handbook_open", { id }),
  /** What `definition` binds now, against the last export of saved handbook `id`. */
  handbookPlan: (id: number | null, definition: HandbookDefinition) => invoke<HandbookPlan>("handbook_plan", { id, definition }),
  handbookPreview: (definition: HandbookDefinition) => invoke<string>("handbook_preview", { definition }),
  handbookSave: (id: number | null, definition: HandbookDefinition) => invoke<number>("handbook_save", { id, definition }),
  handbookDelete: (id: number) => invoke<null>("handbook_delete", { id }),
  /** A saved handbook written where the user chooses; `null` when they cancelled. */
  handbookExport: (id: number, format: Format) => invoke<string | null>("handbook_export", { id, format }),
  /** The library in use, the template folder, and what went wrong with them. */
  shellSettings: () => invoke<ShellSettings>("shell_settings"),
  /** Each returns the library now in use, or `null` when the dialog was cancelled. */
  libraryOpenOther: () => invoke<string | null>("library_open_other"),
  libraryCreate: () => invoke<string | null>("library_create"),
  libraryUseDefault: () => invoke<string>("library_use_default"),
  /** A shared server, field by field; the password goes to the system's keychain. */
  libraryConnect: (server: Server, password: string) => invoke<Connected>("library_connect", { server, password }),
  /** Shows the library file in use in the file manager. */
  libraryShowFile: () => invoke<null>("library_show_file"),
  /** The template folder now in use, or `null` when the dialog was cancelled. */
  templatesChoose: () => invoke<string | null>("templates_choose"),
  templatesClear: () => invoke<null>("templates_clear"),
  schema: async () => JSON.parse(await invoke<string>("schema")) as JsonSchema,
  check: (policy: Policy) => invoke<Report>("check", { policy }),
  /** `id`: the library policy being edited, whose history the preview shows. */
  preview: (policy: Policy, id: number | null) => invoke<string>("preview", { policy, id }),
  openPolicy: () => invoke<Policy | null>("open_policy"),
  savePolicy: (policy: Policy, name: string) => invoke<string | null>("save_policy", { policy, name }),
  exportPolicy: (policy: Policy, format: Format, name: string) =>
    invoke<string | null>("export_policy", { policy, format, name }),
  libraryExport: (id: number, version: string | null, format: Format) =>
    invoke<string | null>("library_export", { id, version, format }),
  /** Opens a file the app wrote this session ("open"), or shows it in its folder ("folder"). */
  reveal: (path: string, how: "open" | "folder") => invoke<void>("reveal", { path, how }),
  /** Every policy, archived ones too. */
  libraryList: () => invoke<PolicySummary[]>("library_list"),
  /** The published policies due for review within `withinDays`, overdue ones first. */
  libraryDue: (withinDays: number) => invoke<Due[]>("library_due", { withinDays }),
  libraryArchive: (id: number) => invoke<null>("library_archive", { id }),
  libraryRestore: (id: number) => invoke<null>("library_restore", { id }),
  libraryDuplicate: (id: number) => invoke<number>("library_duplicate", { id }),
  libraryNotices: () => invoke<CoreError[]>("library_notices"),
  openLink: (url: string) => invoke<null>("open_link", { url }),
  libraryAdd: (policy: Policy) => invoke<number>("library_add", { policy }),
  /** Keeps what the editor holds: library policy `id`'s draft, or the recovered draft `slot`. */
  /** `base`: the draft's revision the editor went on from; `by`: the name Settings gives. */
  autosave: (policy: Policy, id: number | null, slot: string, base: number | null, by: string) =>
    invoke<Autosaved>("autosave", { policy, id, slot, base, by }),
  recoveredDrafts: () => invoke<Recovered[]>("recovered_drafts"),
  openRecovered: (slot: string) => invoke<Policy>("open_recovered", { slot }),
  discardRecovered: (slot: string) => invoke<null>("discard_recovered", { slot }),
  closeWindow: () => invoke<void>("close_window"),
  libraryDraft: (id: number) => invoke<EditorDraft>("library_draft", { id }),
  /** Where the draft stands now: another person's save shows here. */
  libraryDraftStamp: (id: number) => invoke<DraftStamp>("library_draft_stamp", { id }),
  librarySaveVersion: (id: number, policy: Policy, bump: Bump, author: string, note: string, base: number | null) =>
    invoke<Saved>("library_save_version", { id, policy, bump, author, note, base }),
  libraryHistory: (id: number) => invoke<VersionInfo[]>("library_history", { id }),
  /** Moves a saved version through sign-off in `by`'s name, as `policywright status` does. */
  librarySetStatus: (id: number, version: string, status: Status, by: string) =>
    invoke<null>("library_set_status", { id, version, status, by }),
  libraryCompare: (id: number, from: string, to: string) =>
    invoke<ComparisonView>("library_compare", { id, from, to }),
  libraryExportRedline: (id: number, from: string, to: string) =>
    invoke<string | null>("library_export_redline", { id, from, to }),
  /** Both versions, the redline and the summary, in a new folder inside the one the user picks. */
  libraryExportPacket: (id: number, from: string, to: string) =>
    invoke<string | null>("library_export_packet", { id, from, to }),
};

/** What a failed call rejects with: the core's `{code, message, path, hint, details}`, in the UI's language. */
export function errorText(e: unknown): string {
  if (e && typeof e === "object" && "message" in e) {
    const err = e as CoreError;
    return [err.message, ...(err.details ?? []), ...(err.hint ? [err.hint] : [])].join("\n");
  }
  return String(e);
}

export type JsonSchema = {
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: (string | null)[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  const?: string;
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  multipleOf?: number;
  format?: string;
};
