/** Injection token of the registration credentials: service → its token. */
export const REGISTRATION_CREDENTIALS = Symbol('REGISTRATION_CREDENTIALS');

/** Injection token of the registration policy: where instances may be, how many per service. */
export const REGISTRATION_POLICY = Symbol('REGISTRATION_POLICY');
