// How every bench row is timed: the wasm handler and the plain-JS baseline take turns for
// ROUNDS rounds of about ROUND_MS each, the order swapped each round so drift falls on both alike;
// a row's floor (its adapter calls alone), when it has one, takes its turn after them.

import { timedLoop } from "./measure-loop.mjs";

export { timedLoop };
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
export const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 300);

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

/**
 * @param {string} label
 * @param {(name: "wasm" | "js" | "floor", ms: number) => Promise<number>} time µs per command of one round
 * @param {boolean} [withFloor] whether the row has a floor to time too
 */
export async function measure(label, time, withFloor = false) {
  await time("wasm", ROUND_MS);
  await time("js", ROUND_MS);
  if (withFloor) await time("floor", ROUND_MS);
  const samples = { wasm: [], js: [], floor: [], ratio: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? ["wasm", "js"] : ["js", "wasm"];
    const us = {};
    for (const name of order) us[name] = await time(name, ROUND_MS);
    if (withFloor) samples.floor.push(await time("floor", ROUND_MS));
    samples.wasm.push(us.wasm);
    samples.js.push(us.js);
    samples.ratio.push(us.wasm / us.js);
  }
  return {
    label,
    wasmUs: median(samples.wasm),
    jsUs: median(samples.js),
    ...(withFloor ? { floorUs: median(samples.floor) } : {}),
    ratio: median(samples.ratio),
    ratioMin: Math.min(...samples.ratio),
    ratioMax: Math.max(...samples.ratio),
  };
}
