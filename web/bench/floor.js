// The benchmark's floor: a module with nothing in it (see LOADERS.floor in bench.js).
export const empty = true;
