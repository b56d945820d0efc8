export const IDENTITY_SETTINGS = Symbol('IdentitySettings');
