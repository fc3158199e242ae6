/**
 * Type-level helpers for the framework typings (`react-jsx.ts`, `vue-components.ts`): attribute names and values,
 * and `on…` listener props, derived from the element's property table and the event table so that they cannot
 * drift from them. Types only: nothing here reaches a bundle.
 */
import type { CifKpiLoggerEventMap } from './logger-events.js';

/** `flushDelay` → `flush-delay`. */
export type Kebab<S extends string> = S extends `${infer Head}${infer Tail}`
  ? `${Head extends Lowercase<Head> ? Head : `-${Lowercase<Head>}`}${Kebab<Tail>}`
  : S;

/** `cif-kpi-sent` → `CifKpiSent`. */
export type Pascal<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Capitalize<Head>}${Pascal<Tail>}`
  : Capitalize<S>;

/** What an attribute accepts in a template, given its property's type (`debug` also takes `"badge"`). */
export type AttributeValue<K extends string, V> = V extends number
  ? number | `${number}`
  : V extends boolean
    ? boolean | '' | (K extends 'debug' ? 'badge' : never)
    : V;

/** A listener of one of the logger's events. */
export type Listener<K extends keyof CifKpiLoggerEventMap> = (event: CustomEvent<CifKpiLoggerEventMap[K]>) => void;
