export { Uuid } from './uuid.schema.js';
export {
  ValidationFailedException,
  ZodValidationPipe,
  type ValidationDetail,
} from './zod-validation.pipe.js';
