// Reads PDFs with pdf.js (npm `pdfjs-dist`, legacy build for Node): every page's text, its
// link annotations, its operator list (which parses the content stream, fonts and images) and
// its structure tree (`getStructTree`: every letter is tagged, so some page must have one).
// Prints one line per file: `ok FILE PAGES WORDS LINKS ELEMENTS`, or `FAIL FILE: reason`; exits
// 1 on any failure or warning.
//
//   node pdfjs-read.mjs FILE.pdf...
import { readFile } from "node:fs/promises";
import { getDocument, VerbosityLevel } from "pdfjs-dist/legacy/build/pdf.mjs";

let failed = false;
for (const file of process.argv.slice(2)) {
  const warnings = [];
  const originalWarn = console.warn;
  const originalLog = console.log;
  console.warn = (...args) => warnings.push(args.join(" "));
  console.log = (...args) => warnings.push(args.join(" "));
  try {
    const data = new Uint8Array(await readFile(file));
    const doc = await getDocument({ data, verbosity: VerbosityLevel.WARNINGS, isEvalSupported: false }).promise;
    let words = 0;
    let links = 0;
    let elements = 0;
    const count = (node) =>
      node && Array.isArray(node.children)
        ? node.children.reduce((n, c) => n + (c.role ? 1 + count(c) : 0), 0)
        : 0;
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const text = await page.getTextContent();
      words += text.items.map((i) => i.str).join(" ").split(/\s+/).filter(Boolean).length;
      const annotations = await page.getAnnotations();
      links += annotations.filter((a) => a.subtype === "Link" && a.url).length;
      await page.getOperatorList();
      elements += count(await page.getStructTree());
    }
    console.warn = originalWarn;
    console.log = originalLog;
    if (warnings.length > 0) {
      throw new Error(`pdf.js warned: ${warnings.join("; ")}`);
    }
    if (words === 0) {
      throw new Error("no text extracted");
    }
    if (elements === 0) {
      throw new Error("no structure tree (untagged)");
    }
    console.log(`ok ${file} ${doc.numPages} ${words} ${links} ${elements}`);
    await doc.destroy();
  } catch (e) {
    console.warn = originalWarn;
    console.log = originalLog;
    console.log(`FAIL ${file}: ${e.message}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
