import { Hono } from 'hono';
import type { Services } from './context.ts';

export function workersRoutes(_s: Services): Hono {
  return new Hono();
}
