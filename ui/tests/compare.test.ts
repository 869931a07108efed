// Finding a change of the summary in each view of a comparison.
import { describe, expect, it } from "vitest";
import { locate } from "../src/compare";

function view(html: string): HTMLElement {
  const article = document.createElement("article");
  article.innerHTML = html;
  return article;
}

const inline = view(`
  <h2>1 General provisions</h2><p>Purpose of the policy.</p>
  <h2>2 Role duties</h2>
  <h3>2.1 Content Editor</h3><ul><li><p>Writes <del>two</del><ins>three</ins> posts a day.</p></li></ul>
  <h3>2.2 Data Analyst</h3><ul><li><p>Builds the weekly report.</p></li><li><p><ins>Reviews the dashboards.</ins></p></li></ul>
  <h2>5 Appraisal</h2><table><tr><td>Results</td><td><del>60</del><ins>50</ins></td></tr></table>`);

describe("a change of the summary", () => {
  it("is the paragraph that reads as its new text, under its role", () => {
    const change = { kind: "added" as const, place: ["Role duties", "Data Analyst"], before: null, after: "Reviews the dashboards." };
    expect(locate(inline, change, "inline")?.textContent).toBe("Reviews the dashboards.");
  });

  it("reads without the other side's marks in the merged view", () => {
    const change = { kind: "changed" as const, place: ["Role duties", "Content Editor"], before: "Writes two posts a day.", after: "Writes three posts a day." };
    const found = locate(inline, change, "inline");
    expect(found?.tagName).toBe("P");
    expect(found?.textContent).toBe("Writes twothree posts a day.");
    const old = view(`<h2>2 Role duties</h2><h3>2.1 Content Editor</h3><ul><li><p>Writes <del>two</del> posts a day.</p></li></ul>`);
    expect(locate(old, change, "old")?.textContent).toBe("Writes two posts a day.");
  });

  it("falls back to the marked text of its chapter when its words are not there", () => {
    const change = { kind: "changed" as const, place: ["Appraisal", "Results"], before: "60", after: "50.00" };
    expect(locate(inline, change, "inline")?.outerHTML).toBe("<td><del>60</del><ins>50</ins></td>");
  });

  it("is its heading when the view has nothing of it, and nothing outside the view", () => {
    const removed = { kind: "removed" as const, place: ["Role duties", "Data Analyst"], before: "Role gone", after: null };
    const onlyNew = view(`<h2>2 Role duties</h2><h3>2.2 Data Analyst</h3><p>Builds the weekly report.</p>`);
    expect(locate(onlyNew, removed, "new")?.textContent).toBe("2.2 Data Analyst");
    const elsewhere = { kind: "changed" as const, place: ["Training"], before: "a", after: "b" };
    expect(locate(onlyNew, elsewhere, "new")).toBeNull();
  });
});

describe("a reworded text", () => {
  it("is found by its words as rendered, without their Markdown marks", () => {
    const old = view(`<h2>2 Role duties</h2><h3>2.1 Assistant</h3><ol><li><p>Assistants on <strong>admin support</strong> take minutes.</p></li></ol>`);
    const change = {
      kind: "changed" as const,
      place: ["Role duties", "Assistant"],
      before: "Assistants on **admin support** take minutes.",
      after: "Assistants on **admin support** take minutes, and report every Friday.",
    };
    expect(locate(old, change, "old")?.tagName).toBe("P");
    // Without the older words, by how the newer ones begin.
    expect(locate(old, { ...change, before: null }, "old")?.tagName).toBe("P");
  });
});
