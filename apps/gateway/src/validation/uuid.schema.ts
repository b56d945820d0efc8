import { z } from 'zod';

export const Uuid = z.uuid({ error: 'must be a UUID' });
