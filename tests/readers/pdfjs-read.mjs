// Reads PDFs with pdf.js (npm `pdfjs-dist`, legacy build for Node): every page's text, its
// link annotations, its operator list (which parses the content stream, fonts and images) and
// its structure tree (`getStructTree`: every letter is tagged, so some page must have one).
// The structure tree must be poppler's (`pdfinfo -struct-text`): the same roles, nested the
// same way, over the same pieces of content in the same order. pdf.js gives each page the part
// of the tree that holds its content, so the comparison is exact for a one-page file; for a
// longer one, every piece of content must have the same chain of elements above it (which
// cannot tell two neighbouring elements of one role from one element, across pages).
// Prints one line per file: `ok FILE PAGES WORDS LINKS ELEMENTS`, or `FAIL FILE: reason`; exits
// 1 on any failure or warning.
//
//   node pdfjs-read.mjs FILE.pdf...
import { spawnSync } from "node:child_process";
import { readFile } from "node:fs/promises";
import { getDocument, VerbosityLevel } from "pdfjs-dist/legacy/build/pdf.mjs";

// A structure tree as nested `{ role, children }`, content as `{ role: "#" }` leaves (marked
// content and annotations alike).

// Poppler's tree, from the indentation of `pdfinfo -struct-text` (two spaces a level).
function popplerTree(file) {
  const run = spawnSync("pdfinfo", ["-struct-text", file], { encoding: "utf8", maxBuffer: 1 << 28 });
  if (run.status !== 0 || run.stderr) throw new Error(`pdfinfo -struct-text: ${run.stderr || run.status}`);
  const text = run.stdout;
  const root = { role: "Root", children: [] };
  const stack = [{ node: root, depth: -1 }];
  for (const line of text.split("\n")) {
    const trimmed = line.trimStart();
    if (trimmed === "" || trimmed.startsWith("/")) continue; // attributes
    const depth = (line.length - trimmed.length) / 2;
    const content = trimmed.startsWith('"') || trimmed.startsWith("Object ") || trimmed === "(No content?)";
    const node = content ? { role: "#" } : { role: trimmed.split(/[\s:]/)[0], children: [] };
    while (stack.length > 1 && stack[stack.length - 1].depth >= depth) stack.pop();
    stack[stack.length - 1].node.children.push(node);
    if (!content) stack.push({ node, depth });
  }
  return root;
}

// pdf.js's tree of one page, in the same form.
function pdfjsTree(node) {
  if (!node.role) return { role: "#" };
  return { role: node.role, children: (node.children || []).map(pdfjsTree) };
}

// Elements without content are left out (pdf.js builds a page's tree up from its content).
function prune(node) {
  if (node.role === "#") return node;
  const children = node.children.map(prune).filter(Boolean);
  return children.length > 0 || node.role === "Root" ? { role: node.role, children } : null;
}

const show = (node, depth = 0) =>
  node.role === "#" ? "" : "  ".repeat(depth) + node.role + "\n" + node.children.map((c) => show(c, depth + 1)).join("");

// The chain of roles above each piece of content, in order.
function chains(node, above = [], out = []) {
  if (node.role === "#") out.push(above.join("/"));
  else for (const c of node.children) chains(c, [...above, node.role], out);
  return out;
}

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
    const pageTrees = [];
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
      const tree = await page.getStructTree();
      elements += count(tree);
      if (tree) pageTrees.push(prune(pdfjsTree(tree)));
    }
    const poppler = prune(popplerTree(file));
    if (doc.numPages === 1) {
      const ours = pageTrees[0] ? show(pageTrees[0]) : "";
      if (ours !== show(poppler)) {
        throw new Error(`structure tree differs from poppler's:\n${ours}--- poppler:\n${show(poppler)}`);
      }
    }
    const a = pageTrees.flatMap((t) => chains(t));
    const b = chains(poppler);
    const at = a.findIndex((c, i) => c !== b[i]);
    if (at >= 0 || a.length !== b.length) {
      throw new Error(`content ${at >= 0 ? at : a.length} sits under ${a[at]} in pdf.js, ${b[at]} in poppler`);
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
