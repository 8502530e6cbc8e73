import { configSchema } from '../src/config/schema.ts';
console.log(typeof configSchema);
