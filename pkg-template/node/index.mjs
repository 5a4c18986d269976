import api from "./index.cjs";

// The table of handlers' classes and constants; scripts/build.mjs writes in their names.
export const { __EXPORTS__ } = api;
