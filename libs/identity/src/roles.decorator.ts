import { SetMetadata } from '@nestjs/common';
import type { Role } from './principal.js';

export const IS_PUBLIC = 'identity:public';
export const ALLOWED_ROLES = 'identity:roles';

/** A route anyone may call without a token (probes, metrics, the dev token endpoint). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Only callers with one of these roles may call the route (403 for the others). */
export const Roles = (...roles: Role[]) => SetMetadata(ALLOWED_ROLES, roles);
