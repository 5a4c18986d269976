// Statements written once with `@name` slots, compiled for each client's placeholders: `?` for
// SQLite (one value per placeholder, in the order they appear), `?n` for D1, `$n` for PostgreSQL
// (one value per distinct slot, an instant's cast to timestamptz).

/**
 * @typedef {{ sql: string, names: string[] }} Statement its SQL, and the slot each placeholder takes, in order
 * @typedef {"?" | "?n" | "$n"} PlaceholderStyle
 */

/**
 * @param {string} template
 * @param {PlaceholderStyle} style
 * @param {ReadonlySet<string>} instants the slots PostgreSQL reads as timestamptz
 * @param {Readonly<Record<string, string>>} [casts] other slots' PostgreSQL casts (`uuid[]`)
 * @returns {Statement}
 */
export function compileSlots(template, style, instants, casts = {}) {
  /** @type {string[]} */
  const names = [];
  const sql = template.replace(/@(\w+)/g, (_, name) => {
    if (style === "?") {
      names.push(name);
      return "?";
    }
    if (!names.includes(name)) names.push(name);
    const n = names.indexOf(name) + 1;
    if (style === "?n") return `?${n}`;
    const cast = instants.has(name) ? "timestamptz" : casts[name];
    return cast ? `$${n}::${cast}` : `$${n}`;
  });
  return { sql, names };
}

/** A statement's values, from the slots' values. @param {Statement} statement @param {Record<string, unknown>} slots */
export const valuesOf = (statement, slots) => statement.names.map((name) => slots[name]);
