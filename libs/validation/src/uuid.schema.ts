import { z } from 'zod';

/** An id in a route or a query: every app words a bad one the same way. */
export const Uuid = z.uuid({ error: 'must be a UUID' });
