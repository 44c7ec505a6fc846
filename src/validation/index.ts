// Schema checks shared by the API, the CLI and the solvers: TypeBox errors at the field the sender meant.
export { fieldErrors, pointerToPath, type FieldError } from './field-errors.js';
export { closestName } from './closest-name.js';
