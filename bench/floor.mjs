// Builds the floor crate (bench/floor: one command's conversions through serde-wasm-bindgen and
// nothing else) for Node, once per change, and answers the path of its CommonJS module.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const env = { ...process.env, PATH: `${process.env.HOME}/.cargo/bin:${process.env.PATH}` };
const run = (command, args) => execFileSync(command, args, { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] });

export function buildFloor() {
  run("cargo", ["build", "--quiet", "--release", "--target", "wasm32-unknown-unknown", "--manifest-path", "bench/floor/Cargo.toml", "--target-dir", "target/floor"]);
  const out = `${root}target/floor/pkg`;
  run("wasm-bindgen", [`${root}target/floor/wasm32-unknown-unknown/release/connect_provider_floor.wasm`, "--target", "nodejs", "--out-dir", out]);
  run(`${root}node_modules/.bin/wasm-opt`, ["-O3", `${out}/connect_provider_floor_bg.wasm`, "-o", `${out}/connect_provider_floor_bg.wasm`]);
  writeFileSync(`${out}/package.json`, '{ "type": "commonjs" }\n'); // wasm-bindgen's nodejs output is CommonJS
  return `${out}/connect_provider_floor.js`;
}
