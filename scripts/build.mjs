#!/usr/bin/env node
// Builds pkg/: a size-optimised release build of the crate, wasm-bindgen's Node output,
// wasm-opt -Oz from npm's binaryen, and the package files from pkg-template/.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = join(root, "pkg");
const crate = "connect_provider";
const wasm = join(root, "target/wasm32-unknown-unknown/release", `${crate}.wasm`);
const env = { ...process.env, PATH: `${process.env.HOME}/.cargo/bin:${process.env.PATH}` };

function run(command, args) {
  console.log(`build: ${command} ${args.join(" ")}`);
  execFileSync(command, args, { cwd: root, stdio: "inherit", env });
}

run("cargo", ["build", "--release", "--lib", "--target", "wasm32-unknown-unknown"]);
rmSync(pkg, { recursive: true, force: true });
mkdirSync(pkg);
cpSync(join(root, "pkg-template"), pkg, { recursive: true });

const node = join(pkg, "node");
run("wasm-bindgen", [wasm, "--target", "nodejs", "--out-dir", node]);
const bindgenWasm = join(node, `${crate}_bg.wasm`);
// The npm binaryen, never Debian's: its older wasm-opt breaks the externref table export.
run(join(root, "node_modules/.bin/wasm-opt"), ["-Oz", bindgenWasm, "-o", bindgenWasm]);
console.log(`build: pkg/node/${crate}_bg.wasm is ${statSync(bindgenWasm).size} bytes`);
