export { Money } from './money.js';
