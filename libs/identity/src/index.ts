export { AuthGuard } from './auth.guard.js';
export {
  DEV_TOKEN_AUDIENCE,
  DEV_TOKEN_ISSUER,
  signDevToken,
  type DevTokenGrant,
} from './dev-token.js';
export { IdentityModule } from './identity.module.js';
export { JwtVerifier } from './jwt-verifier.js';
export {
  actsFor,
  CurrentPrincipal,
  ROLES,
  type AuthenticatedRequest,
  type Principal,
  type Role,
} from './principal.js';
export { customerActedFor, listScopeOf, visibleTo } from './ownership.policy.js';
export { Public, Roles } from './roles.decorator.js';
