// What a service leaves at rest, searched for the secrets it was sent: each secret's bytes as sent
// (UTF-8), and as base64, base64url and hex, in every file given and in the service's logs.
import { readFileSync } from "node:fs";

/** @param {string} secret */
export function encodingsOf(secret) {
  const bytes = Buffer.from(secret, "utf8");
  return [
    ["utf-8", bytes],
    ["utf-16le", Buffer.from(secret, "utf16le")],
    ["base64", Buffer.from(bytes.toString("base64").replace(/=+$/, ""))],
    ["base64url", Buffer.from(bytes.toString("base64url"))],
    ["hex", Buffer.from(bytes.toString("hex"))],
  ];
}

/**
 * Every place any of `secrets` is found, as `<secret label> as <encoding> in <where>`.
 * @param {Iterable<string>} secrets
 * @param {{ files?: string[], texts?: Record<string, string> }} where
 * @returns {string[]}
 */
export function findSecrets(secrets, { files = [], texts = {} }) {
  const haystacks = [
    ...files.map((file) => [file, readFileSync(file)]),
    ...Object.entries(texts).map(([name, text]) => [name, Buffer.from(text, "utf8")]),
  ];
  const found = [];
  for (const secret of secrets) {
    for (const [encoding, needle] of encodingsOf(secret)) {
      for (const [name, haystack] of haystacks) {
        if (haystack.indexOf(needle) !== -1) found.push(`${secret.slice(0, 12)}… as ${encoding} in ${name}`);
      }
    }
  }
  return found;
}
