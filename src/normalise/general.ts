/**
 * The general normaliser (`kpi-event.ts`), a part loaded the first time an event is not a usual one: live (the
 * logger's intake) or read back after a reload (the reader, which is given this loader). Only core modules import
 * this one, so that what the parts share with the core stays small.
 */
import { lazy } from '../vocabulary/lazy.js';

export const loadNormaliser = lazy(() => import('./kpi-event.js'));
