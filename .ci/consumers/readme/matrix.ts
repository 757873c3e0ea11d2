// The `./matrix.js` the express-middleware README's blocks import: a host's own matrix module.
export { defaultMatrix as myMatrix } from "@gatehousejs/core/matrix";
