/** Injection token of the shared secret instances register with. */
export const REGISTRATION_TOKEN = Symbol('REGISTRATION_TOKEN');
