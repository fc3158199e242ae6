// The ES module the test server bundles from react and react-dom (scripts/react-for-tests.mjs).
declare module 'react-for-tests' {
  export { createElement, useState, type ReactElement } from 'react';
  export { flushSync } from 'react-dom';
  export { createRoot, type Root } from 'react-dom/client';
}
